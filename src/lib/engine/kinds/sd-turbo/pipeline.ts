// SD-Turbo text-to-image: CLIP tokens → text encoder (once per prompt) → seeded latents → Euler
// ancestral UNet loop (1–4 steps) → VAE decode → 8-bit RGB. Candidate i of a run uses seed
// candidateSeed(seed, i), so any candidate can be regenerated alone from its own seed. Float
// tensors are fed in the dtype each graph declares (float16 or float32).
import { checkContract, TEXT_ENCODER_CONTRACT, UNET_CONTRACT, VAE_DECODER_CONTRACT } from '../../runtime/contract.ts';
import type { DiffusionFolder } from './folder.ts';
import type { DecoderChoice, DecoderContract, DiffusionManifest, DtypeVariant, GraphName } from './manifest.ts';
import type { InputDims } from '../../runtime/free-dimensions.ts';
import { isUrl } from '../../model-files/file-entry.ts';
import type { EpName } from '../../runtime/backend-choice.ts';
import { toFloat16Bits, toFloat32 } from '../../runtime/float16.ts';
import type { RgbImage } from '../../image/rgb-image.ts';
import { sha256Hex } from '../../store/sha256.ts';
import { createSession, run, tensor, type InferenceSession, type SessionOptions, type Tensor } from '../../runtime/ort-session.ts';
import { GaussianNoise } from '../../generate/gaussian-noise.ts';
import { candidateSeed, type GenerateRequest } from '../../generate/generate-request.ts';
import { eulerAncestralStep, scaleModelInput, sdTurboSchedule } from '../../generate/euler-ancestral.ts';
import { ClipPromptTokenizer, type ClipTokens } from '../../text/clip-tokenizer.ts';
import type { GeneratedImage, GenerateHooks, Generator, PromptEncoding } from '../../generate/generator.ts';

type FloatType = 'float32' | 'float16';

/** What the contract check read from the graphs: the names and dtypes this family's export uses. */
interface GraphIo {
  ids: { name: string; type: 'int32' | 'int64' };
  /** The UNet takes one timestep per batch item ([1]) or a scalar ([]). */
  scalarTimestep: boolean;
  unetOut: string;
  latentIn: string;
  imageOut: string;
  hidden: FloatType;
  sample: FloatType;
  latent: FloatType;
}

export class SdGenerator implements Generator {
  private constructor(
    readonly manifest: DiffusionManifest,
    readonly variant: DtypeVariant,
    readonly decoderChoice: DecoderChoice,
    private readonly decoder: DecoderContract,
    private readonly tokenizer: ClipPromptTokenizer,
    private readonly sessions: { text: InferenceSession; unet: InferenceSession; vae: InferenceSession },
    private readonly io: GraphIo,
  ) {}

  static async load(folder: DiffusionFolder, ep: EpName): Promise<SdGenerator> {
    const { manifest: m, graphs, origin } = folder;
    // A graph's name in errors: its URL when the manifest gives one (a preview decoder hosted elsewhere).
    const where = (g: GraphName) => (isUrl(folder.files[g].file) ? folder.files[g].file : `${origin}/${folder.files[g].file}`);
    const tokenizer = new ClipPromptTokenizer(folder.tokenizerJson, m.maxTokens, m.padTokenId);
    const opened: InferenceSession[] = [];
    // One candidate at a time at the family's latent size: batch and latent dims are fixed at load.
    // The token count stays free: it is the prompt's length unless the family pads (and ORT's
    // SD-Turbo demo saw bad images with the sequence fixed at 77).
    const latent = latentShape(m);
    const only = (shape: number[]) => (inputs: InputDims) => {
      const names = Object.keys(inputs);
      return names.length === 1 ? { [names[0]]: shape } : {};
    };
    const shapes: Record<GraphName, SessionOptions['shapes']> = {
      text_encoder: only([1]),
      unet: () => ({ sample: latent, timestep: [1], encoder_hidden_states: [1] }),
      vae_decoder: only(latent),
    };
    try {
      const open = async (g: GraphName, outputsOnGpu: string[] = []) => {
        const s = await createSession(graphs[g], ep, where(g), { outputsOnGpu, externalData: folder.externalData[g], shapes: shapes[g] });
        opened.push(s);
        return s;
      };
      const unet = await open('unet');
      const u = checkContract(unet, UNET_CONTRACT, where('unet'));
      const hiddenType = u.dtypes.encoder_hidden_states as FloatType;
      // The prompt's hidden states feed every UNet step: on WebGPU they stay on the GPU. That only
      // works when the encoder's output dtype is the UNet's input dtype (no conversion); a mixed
      // family (rare) is re-opened with CPU output and converted in encodePrompt.
      let text = await open('text_encoder', ep === 'webgpu' ? ['last_hidden_state'] : []);
      const t = checkContract(text, TEXT_ENCODER_CONTRACT, where('text_encoder'));
      if (ep === 'webgpu' && t.dtypes.last_hidden_state !== hiddenType) {
        await text.release();
        opened.splice(opened.indexOf(text), 1);
        text = await open('text_encoder');
      }
      const vae = await open('vae_decoder');
      const v = checkContract(vae, VAE_DECODER_CONTRACT, where('vae_decoder'));
      const io: GraphIo = {
        ids: { name: t.names.input_ids, type: t.dtypes.input_ids as GraphIo['ids']['type'] },
        scalarTimestep: u.ranks.timestep === 0,
        unetOut: u.names.out_sample,
        latentIn: v.names.latent_sample,
        imageOut: v.names.sample,
        hidden: hiddenType,
        sample: u.dtypes.sample as FloatType,
        latent: v.dtypes.latent_sample as FloatType,
      };
      return new SdGenerator(m, folder.variant, folder.decoderChoice, folder.decoder, tokenizer, { text, unet, vae }, io);
    } catch (e) {
      await Promise.all(opened.map((s) => s.release()));
      throw e;
    }
  }

  tokenize(prompt: string): ClipTokens {
    return this.tokenizer.encode(prompt);
  }

  /** Run the text encoder once; the caller disposes `hidden` (it may live on the GPU). */
  async encodePrompt(prompt: string): Promise<PromptEncoding> {
    const tokens = this.tokenize(prompt);
    const t0 = performance.now();
    const dims = [1, tokens.inputIds.length];
    const ids = this.io.ids.type === 'int64'
      ? tensor('int64', BigInt64Array.from(tokens.inputIds, (v) => BigInt(v)), dims)
      : tensor('int32', tokens.inputIds, dims);
    const out = await run(this.sessions.text, { [this.io.ids.name]: ids });
    let hidden = out.last_hidden_state;
    // Encoder and UNet disagree on float width (a mixed family): convert on the CPU.
    if (hidden.location === 'cpu' && hidden.type !== this.io.hidden) {
      hidden = this.floatTensor(this.io.hidden, toFloat32(hidden.data), hidden.dims as number[]);
    }
    return { tokens, hidden, textEncodeMs: performance.now() - t0 };
  }

  /** Candidates `from`…n-1 for an encoded prompt; stops between UNet steps when aborted. */
  async generate(req: GenerateRequest, enc: PromptEncoding, hooks: GenerateHooks = {}): Promise<{ done: number; cancelled: boolean }> {
    const schedule = sdTurboSchedule(req.steps);
    const shape = latentShape(this.manifest);
    let done = 0;
    for (let index = req.from ?? 0; index < req.n; index++) {
      if (hooks.signal?.aborted) return { done, cancelled: true };
      const seed = candidateSeed(req.seed, index);
      const noise = new GaussianNoise(seed);
      const unit = noise.fill(shape.reduce((a, b) => a * b));
      const noiseHash = await sha256Hex(new Uint8Array(unit.buffer));
      let x: Float32Array = unit.map((v) => v * schedule.initNoiseSigma);
      const unetMs: number[] = [];
      for (let s = 0; s < req.steps; s++) {
        await yieldToEventLoop();
        if (hooks.signal?.aborted) return { done, cancelled: true };
        const t0 = performance.now();
        const sigma = schedule.sigmas[s];
        const out = await run(this.sessions.unet, {
          sample: this.floatTensor(this.io.sample, scaleModelInput(x, sigma), shape),
          timestep: tensor('int64', BigInt64Array.of(BigInt(schedule.timesteps[s])), this.io.scalarTimestep ? [] : [1]),
          encoder_hidden_states: enc.hidden,
        });
        const eps = toFloat32(out[this.io.unetOut].data);
        out[this.io.unetOut].dispose();
        x = eulerAncestralStep(x, eps, sigma, schedule.sigmas[s + 1], noise);
        unetMs.push(performance.now() - t0);
        hooks.onStep?.(index, s + 1, req.steps);
      }
      const t1 = performance.now();
      const image = await this.decode(x);
      await hooks.onImage?.({ index, seed, noiseHash, image, timings: { unetMs, vaeMs: performance.now() - t1 } });
      done++;
    }
    return { done, cancelled: false };
  }

  /** Latents (x0, as the sampler holds them) → image, by the loaded decoder's contract. */
  async decode(x0: Float32Array): Promise<RgbImage> {
    const { scalingFactor, outputRange } = this.decoder;
    const scaled = scalingFactor === 1 ? x0 : x0.map((v) => v / scalingFactor);
    const out = await run(this.sessions.vae, { [this.io.latentIn]: this.floatTensor(this.io.latent, scaled, latentShape(this.manifest)) });
    const image = out[this.io.imageOut];
    const [, , h, w] = image.dims as number[];
    const chw = toFloat32(image.data);
    image.dispose();
    return toRgb(chw, w, h, outputRange);
  }

  private floatTensor(type: FloatType, data: Float32Array, dims: number[]): Tensor {
    return type === 'float16' ? tensor('float16', toFloat16Bits(data), dims) : tensor('float32', data, dims);
  }

  async release(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((s) => s.release()));
  }
}

/** One candidate's latents: [1, channels, side, side]. */
function latentShape(m: DiffusionManifest): number[] {
  const side = m.imageSize / m.latentFactor;
  return [1, m.latentChannels, side, side];
}

/**
 * On the WASM EP a run computes synchronously inside its promise, so a loop of runs never lets the
 * worker see a message — including the user's Cancel. One macrotask turn per UNet step fixes that
 * (setTimeout(0) costs well under a millisecond against a step's run).
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Decoder output [3,H,W] → 8-bit RGB, as diffusers does: [-1,1] through clamp(x/2 + 0.5, 0, 1)·255,
 * [0,1] through clamp(x, 0, 1)·255, rounded.
 */
export function toRgb(chw: Float32Array, width: number, height: number, range: DecoderContract['outputRange'] = '[-1,1]'): RgbImage {
  const [mul, add] = range === '[0,1]' ? [1, 0] : [0.5, 0.5];
  const plane = width * height;
  const data = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.min(1, Math.max(0, chw[c * plane + p] * mul + add));
      data[p * 3 + c] = Math.round(v * 255);
    }
  }
  return { width, height, data };
}
