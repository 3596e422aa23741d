#!/usr/bin/python3
"""Reference VP-Score rewards from PyTorch, to check the ONNX export and PrefLens's TS pipeline.

  /usr/bin/python3 tools/score_reference.py --checkpoint ckpt.pt --vocab vocab.txt \
      --prompt "a red cat on a sofa" [--vision-heads 16 --text-heads 12] img1.png img2.jpg ...

Prints JSON {file: raw reward} (RAW: not (r - mean) / std). The network is the unfolded one (the
MLP head as ImageReward has it), loaded with the exporter's strict loader. Image preprocessing is
ImageReward's _transform(224) done with PIL directly (torchvision is not needed): Resize(224,
BICUBIC) of the short side, CenterCrop(224), convert('RGB'), ToTensor, Normalize(CLIP mean/std).
The tokenizer is NOT a general WordPiece: it only accepts prompts of lowercase words that are whole
vocab entries (see vp_tokenizer.encode_whole_words); test prompts are chosen that way.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vp_checkpoint import CheckpointError, load_net  # noqa: E402
from vp_tokenizer import encode_whole_words, read_vocab  # noqa: E402

SIZE = 224
CLIP_MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
CLIP_STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def preprocess(path: str) -> torch.Tensor:
    img = Image.open(path)
    w, h = img.size
    # torchvision Resize(int): short side -> 224, long side int(224 * long / short); no-op if already 224.
    if not ((w <= h and w == SIZE) or (h <= w and h == SIZE)):
        nw, nh = (SIZE, int(SIZE * h / w)) if w <= h else (int(SIZE * w / h), SIZE)
        img = img.resize((nw, nh), Image.BICUBIC)
        w, h = nw, nh
    # torchvision CenterCrop: top/left = int(round((n - 224) / 2)) (Python's round).
    top, left = int(round((h - SIZE) / 2.0)), int(round((w - SIZE) / 2.0))
    img = img.crop((left, top, left + SIZE, top + SIZE)).convert('RGB')
    x = np.asarray(img, dtype=np.float32) / 255.0  # ToTensor
    x = (x - CLIP_MEAN) / CLIP_STD
    return torch.from_numpy(x.transpose(2, 0, 1).copy())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--checkpoint', required=True)
    ap.add_argument('--vocab', required=True)
    ap.add_argument('--prompt', required=True)
    ap.add_argument('--vision-heads', type=int, default=16)
    ap.add_argument('--text-heads', type=int, default=12)
    ap.add_argument('images', nargs='+')
    a = ap.parse_args()
    try:
        net, _, _, _ = load_net(a.checkpoint, a.vision_heads, a.text_heads)
        ids, mask = encode_whole_words(a.prompt, read_vocab(a.vocab))
    except (CheckpointError, ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    out = {}
    with torch.no_grad():
        for path in a.images:  # one at a time, as ImageReward.score does
            r = net(preprocess(path)[None], torch.tensor([ids]), torch.tensor([mask]))
            out[path] = float(r[0, 0])
    print(json.dumps(out, indent=2))
    return 0


if __name__ == '__main__':
    sys.exit(main())
