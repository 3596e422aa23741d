// The corpus the tiny CLIP BPE is trained on: the words text-to-image prompts (and PrefLens's
// colour / count / background prompt sets) are made of, so those prompts tokenize into whole-word
// tokens like CLIP's, while anything else falls back to shorter pieces and single bytes.
// "colored" and plurals other than a few are left out on purpose, so tests see words split.
export const CORPUS_WORDS = `
a an the of on in at with and or to from by for near under over behind above below beside
next front back top bottom left right middle center inside outside between around is are
red green blue yellow orange purple pink brown black white gray grey gold silver cyan magenta
teal beige navy violet turquoise color colour dark light bright pale vivid pastel neon
one two three four five six seven eight nine ten eleven twelve twenty hundred many few several
single pair couple group dozen no some every each
cat dog bird horse cow sheep pig goat rabbit mouse fox wolf bear lion tiger elephant giraffe
zebra monkey panda koala deer owl eagle duck chicken fish shark whale dolphin octopus frog
turtle snake butterfly bee spider dragon unicorn dinosaur cats dogs birds
man woman boy girl child baby person people family king queen knight wizard robot astronaut
chef doctor teacher soldier farmer artist musician
car bus truck train bicycle bike motorcycle boat ship plane airplane rocket helicopter
house home building castle tower bridge church temple skyscraper city town village street road
apple banana lemon cherry strawberry grape cake pizza bread coffee tea cup bowl plate bottle
table chair sofa bed lamp window door wall floor room kitchen bedroom library office shelf
book clock phone computer camera guitar piano violin drum ball hat shirt dress shoes glasses
umbrella bag box toy teddy vase mirror candle flower flowers tree trees rose grass leaf plant
park garden farm forest jungle desert beach ocean sea lake river mountain mountains hill valley
island cave field meadow sky cloud clouds sun moon star stars planet space galaxy rain snow
storm fog sunset sunrise night day morning evening winter summer spring autumn
background backdrop wallpaper studio indoor outdoor underwater
big small large tiny huge little tall short long round square old new young ancient modern
happy sad cute beautiful scary funny cozy quiet empty full wet dry hot cold
wooden metal stone glass plastic paper golden shiny soft fluffy furry
photo photograph picture image painting drawing sketch illustration portrait landscape render
art style oil watercolor pencil ink digital cartoon anime realistic photorealistic detailed
highly cinematic lighting shot closeup view wide angle macro lens bokeh scene
sitting standing running walking flying swimming eating drinking playing reading sleeping
holding wearing looking riding jumping dancing
very more most same other all like it its this that these
apples bananas cherries lemons grapes cups bowls plates bottles tables chairs books clocks balls
hats shoes boxes toys vases candles houses cars boats trees birds horses rabbits ducks fishes
carrot tomato potato onion pepper salad soup sandwich burger cookie donut candy chocolate
cheese egg milk juice wine water ice fire smoke lava crystal diamond pearl ruby emerald
jacket coat scarf boots gloves necklace ring crown helmet armor sword shield
cliff canyon glacier volcano waterfall pond swamp prairie savanna tundra harbor pier lighthouse
market cafe restaurant museum school hospital station airport stadium factory castle palace
marble velvet silk leather wool cotton brick concrete steel copper bronze
minimalist abstract surreal vintage retro futuristic gothic baroque impressionist cubist
pixel vector isometric sculpture mosaic collage poster postcard stamp logo icon
smiling crying laughing singing painted carved woven glowing shining floating melting
`
  .split(/\s+/)
  .filter(Boolean);
