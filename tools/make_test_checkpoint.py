#!/usr/bin/python3
"""Write a small random ImageReward-format checkpoint (and a synthetic BERT vocab.txt) for tests.

Same format as ImageReward.pt: torch.save of the raw state_dict of the `ImageReward` module (its
loader does torch.load + load_state_dict, no wrapper), with the official key names, including the
keys score() never uses (blip.vision_proj/text_proj, the position_ids buffer) so the exporter's
drop-by-name path runs. Widths and depths are reduced; the vocab stays 30524 and the position table
512 so tokenizer ids and shapes keep the real layout.

  /usr/bin/python3 tools/make_test_checkpoint.py --out ckpt.pt --vocab-out vocab.txt
      [--seed 0] [--full-size] [--module-prefix] [--drop-key NAME] [--reshape-key NAME]
      [--dtype float32|float16|bfloat16] [--strided-key NAME] [--safetensors-out PATH] [--dump PREFIX]

--dump writes what the TypeScript checkpoint reader is tested against: PREFIX.json (name, dtype,
shape of each tensor, in the checkpoint's order) and PREFIX.f32 (every tensor's values as
little-endian float32, one after the other; int64 tensors too, their values are small).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vp_score_net import ImageRewardNet, VpNetConfig  # noqa: E402

TEST_CONFIG = VpNetConfig(vision_width=64, vision_depth=2, vision_heads=2, vision_mlp=256,
                          text_width=48, text_depth=2, text_heads=2, text_intermediate=192,
                          mlp_dims=[48, 1024, 128, 64, 16, 1])

# Ordinary words for test prompts; the reference scorer only tokenizes whole entries of this list.
WORDS = ('a an the of on in with and at by is are two three red green blue yellow white black orange '
         'purple pink brown gray cat dog bird horse fish cow apple apples car house tree trees flower '
         'flowers sky sea beach mountain mountains city street river forest table chair sofa cup book '
         'photo painting drawing portrait landscape sunset night day snow rain sun moon star stars big '
         'small old young happy sad bright dark wooden glass stone metal colored sitting standing running '
         'flying under over near beautiful detailed realistic style art light shadow water grass field').split()


def synthetic_vocab() -> list:
    """30522 lines laid out like bert-base-uncased: [PAD]=0, [unused*], [UNK]=100, [CLS]=101,
    [SEP]=102, [MASK]=103, single characters from 999, then words; the rest are [unusedN]."""
    vocab = [None] * 30522
    for tok, i in (('[PAD]', 0), ('[UNK]', 100), ('[CLS]', 101), ('[SEP]', 102), ('[MASK]', 103)):
        vocab[i] = tok
    chars = list('abcdefghijklmnopqrstuvwxyz0123456789') + list('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')
    pieces, seen, nxt = chars + ['##' + c for c in chars] + WORDS, set(), 999
    for p in pieces:
        if p not in seen:
            seen.add(p)
            vocab[nxt], nxt = p, nxt + 1
    unused = 0
    for i, tok in enumerate(vocab):
        if tok is None:
            vocab[i], unused = f'[unused{unused}]', unused + 1
    return vocab


@torch.no_grad()
def random_state_dict(cfg: VpNetConfig, seed: int) -> dict:
    """Weights at a scale where activations stay O(1), so images and prompts move the reward."""
    g = torch.Generator().manual_seed(seed)
    rnd = lambda *s: torch.randn(*s, generator=g)  # noqa: E731
    sd = {}
    for k, v in ImageRewardNet(cfg).state_dict().items():
        if k.endswith('LayerNorm.weight') or (k.endswith('.weight') and v.dim() == 1):
            sd[k] = 1 + 0.1 * rnd(*v.shape)  # LayerNorm gains
        elif v.dim() == 1:
            sd[k] = 0.05 * rnd(*v.shape)  # biases
        elif 'embeddings' in k or k.endswith(('pos_embed', 'cls_token')):
            sd[k] = 0.5 * rnd(*v.shape)
        else:
            fan_in = math.prod(v.shape[1:])
            sd[k] = rnd(*v.shape) / math.sqrt(fan_in)
    # What ImageReward's real checkpoint also holds (unused by score()).
    sd['blip.vision_proj.weight'] = 0.02 * rnd(256, cfg.vision_width)
    sd['blip.vision_proj.bias'] = torch.zeros(256)
    sd['blip.text_proj.weight'] = 0.02 * rnd(256, cfg.text_width)
    sd['blip.text_proj.bias'] = torch.zeros(256)
    sd['blip.text_encoder.embeddings.position_ids'] = torch.arange(cfg.max_positions).expand(1, -1).clone()
    return sd


FLOAT_DTYPES = {'float32': torch.float32, 'float16': torch.float16, 'bfloat16': torch.bfloat16}
SAFETENSORS_DTYPES = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int64: 'I64'}


def write_safetensors(sd: dict, path: str) -> None:
    """The format as its spec gives it: an 8-byte little-endian header length, the JSON header, the
    tensors' bytes (little-endian, row-major) at the header's data_offsets."""
    header, blobs, at = {}, [], 0
    for k, v in sd.items():
        flat = v.detach().contiguous().flatten()
        raw = (flat.view(torch.int16) if v.element_size() == 2 else flat).numpy().tobytes()
        header[k] = {'dtype': SAFETENSORS_DTYPES[v.dtype], 'shape': list(v.shape), 'data_offsets': [at, at + len(raw)]}
        blobs.append(raw)
        at += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)  # the spec pads the header with spaces to an 8-byte boundary
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', required=True)
    ap.add_argument('--vocab-out')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--full-size', action='store_true', help="ImageReward's real sizes (1.8 GB; heads 16/12)")
    ap.add_argument('--module-prefix', action='store_true', help='save keys as module.* (DataParallel)')
    ap.add_argument('--drop-key', action='append', default=[], metavar='NAME')
    ap.add_argument('--reshape-key', action='append', default=[], metavar='NAME',
                    help='grow the first dimension of NAME by one')
    ap.add_argument('--dtype', choices=sorted(FLOAT_DTYPES), default='float32', help='dtype of the float tensors')
    ap.add_argument('--strided-key', action='append', default=[], metavar='NAME',
                    help='save the 2-D tensor NAME as a transposed view (same values, column-major strides)')
    ap.add_argument('--safetensors-out', metavar='PATH', help='also write the tensors as .safetensors')
    ap.add_argument('--dump', metavar='PREFIX', help='write the reference values (see above)')
    a = ap.parse_args()
    sd = random_state_dict(VpNetConfig() if a.full_size else TEST_CONFIG, a.seed)
    for k in a.drop_key + a.reshape_key:
        if k not in sd:
            ap.error(f'no key {k} in the test checkpoint')
    for k in a.drop_key:
        del sd[k]
    for k in a.reshape_key:
        t = sd[k]
        sd[k] = torch.cat([t, t[:1]], dim=0) if t.dim() else t.reshape(1)
    sd = {k: v.to(FLOAT_DTYPES[a.dtype]) if v.is_floating_point() else v for k, v in sd.items()}
    for k in a.strided_key:
        sd[k] = sd[k].t().contiguous().t()  # a view whose strides are not row-major
    if a.module_prefix:
        sd = {'module.' + k: v for k, v in sd.items()}
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    torch.save(sd, a.out)
    if a.safetensors_out:
        write_safetensors(sd, a.safetensors_out)
    if a.dump:
        with open(a.dump + '.json', 'w', encoding='utf-8') as f:
            json.dump([{'name': k, 'dtype': str(v.dtype).replace('torch.', ''), 'shape': list(v.shape)} for k, v in sd.items()], f)
        with open(a.dump + '.f32', 'wb') as f:
            for v in sd.values():
                f.write(v.detach().to(torch.float32).contiguous().numpy().astype('<f4').tobytes())
    if a.vocab_out:
        with open(a.vocab_out, 'w', encoding='utf-8') as f:
            f.write('\n'.join(synthetic_vocab()) + '\n')
    print(f'wrote {a.out}: {len(sd)} tensors' + (f', {a.vocab_out}' if a.vocab_out else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
