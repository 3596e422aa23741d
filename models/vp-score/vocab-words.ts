// Whole words in the tiny BERT vocabulary: the kind of words text-to-image prompts use, so test
// prompts tokenize mostly into whole words, while anything else still splits into ##pieces.
// "colored", "cafe" and plurals are left out on purpose so tests see WordPiece splitting.
export const PROMPT_WORDS = `
the a an of and in on at with without to from by for is are near under over behind above below
next front back top bottom left right middle center inside outside between beside around
red green blue yellow orange purple pink brown black white gray grey gold silver cyan magenta
teal beige navy violet turquoise color colour dark light bright pale vivid pastel neon
one two three four five six seven eight nine ten twelve twenty hundred many few several single
pair couple group crowd dozen
cat dog bird horse cow sheep pig goat rabbit mouse fox wolf bear lion tiger elephant giraffe
zebra monkey panda koala deer owl eagle duck chicken fish shark whale dolphin octopus frog
turtle snake butterfly bee spider dragon unicorn dinosaur
man woman boy girl child baby person people family friend king queen knight wizard robot
astronaut chef doctor teacher soldier farmer artist musician
car bus truck train bicycle bike motorcycle boat ship plane airplane rocket helicopter
house home building castle tower bridge church temple skyscraper city town village street
road park garden farm forest jungle desert beach ocean sea lake river mountain hill valley
island cave field meadow sky cloud clouds sun moon star stars planet space galaxy rain snow
storm fog sunset sunrise night day morning evening winter summer spring autumn fall
tree trees flower flowers rose grass leaf leaves plant mushroom fruit apple banana orange
lemon cherry strawberry grape cake pizza bread coffee tea cup bowl plate bottle glass
table chair sofa bed lamp window door wall floor room kitchen bedroom library office
book clock phone computer camera guitar piano violin drum ball hat shirt dress shoes
glasses umbrella bag box toy teddy vase mirror candle
big small large tiny huge little tall short long round square old new young ancient modern
happy sad angry cute beautiful ugly scary funny cozy quiet busy empty full wet dry hot cold
wooden metal stone glass plastic paper golden shiny soft fluffy furry
photo photograph picture image painting drawing sketch illustration portrait landscape
render rendering art style oil watercolor watercolour pencil ink digital cartoon anime
realistic photorealistic detailed highly cinematic lighting shot close closeup view wide
angle macro lens bokeh background foreground scene
made wearing holding sitting standing running walking flying swimming eating drinking
playing reading sleeping looking riding jumping dancing
very more most same other each every all some no not as like it its this that these
`
  .split(/\s+/)
  .filter(Boolean);

/** Common suffixes as continuation pieces (BERT has these as ##s, ##ed, ##ing, …). */
export const SUFFIXES = ['s', 'es', 'ed', 'd', 'ing', 'ly', 'er', 'ers', 'est', 'y', 'ful', 'ness', 'less', 'ish', 'ion', 'al', 'en'];
