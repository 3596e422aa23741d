"""Random-weight graphs of SDXS-512's real dimensions, for the generation bench only.

SDXS-512 0.9's three graphs as PrefLens loads them (the SDXS onnxruntime-web export's I/O layout:
int64 input_ids -> last_hidden_state; sample, scalar int64 timestep, encoder_hidden_states ->
noise_pred; latents -> image in [-1,1]), with seeded random weights: the pictures are noise, the
timings are real. Written by hand in PyTorch because diffusers is not installable here; the layer
structure follows diffusers' UNet2DConditionModel, CLIPTextModel and AutoencoderTiny for the config
in SDXS below. Usage: python3 sdxs_dims.py OUT_DIR  (writes one-file float32 graphs and params.json;
bench/full-size/sdxs-family.ts makes the q8 family folder from them).
"""
import json
import math
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

# SDXS-512 0.9 (IDKiro/sdxs-512-0.9): an SD 2.1 UNet without its lowest level and mid block, one
# resnet per down level, attention at every level, and at the highest resolution cross-attention
# in place of self-attention (its model card; only_cross_attention [True, False, False] as the
# scripts built on it configure it, and stable-diffusion.cpp's VERSION_SDXS_09 checks). Its config
# file could not be read here: these values come from those sources and give 328 M parameters,
# which the published fp32 UNet's 1.31 GB (OpenVINO copy) and the int8 export's 330 MB agree with.
# Text: OpenCLIP ViT-H's tower as in SD 2.x (340 M). Decoder: TAESD's (1,222,531 parameters).
UNET = dict(block_out_channels=[320, 640, 1280], down=['CrossAttnDownBlock2D'] * 3, up=['CrossAttnUpBlock2D'] * 3,
            only_cross_attention=[True, False, False], layers_per_block=1, cross_attention_dim=1024,
            use_linear_projection=True, groups=32, eps=1e-5)
TEXT = dict(vocab=49408, width=1024, layers=23, heads=16, mlp=4096, positions=77)
LATENT = 64  # 512 / 8


class Resnet(nn.Module):
    def __init__(self, cin, cout, temb=1280, groups=32, eps=1e-5):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(groups, cin, eps), nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(temb, cout)
        self.norm2, self.conv2 = nn.GroupNorm(groups, cout, eps), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, t):
        h = self.conv1(F.silu(self.norm1(x))) + self.time(F.silu(t))[:, :, None, None]
        return self.skip(x) + self.conv2(F.silu(self.norm2(h)))


class Attention(nn.Module):
    def __init__(self, dim, heads, ctx=None):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(ctx or dim, dim, bias=False)
        self.v = nn.Linear(ctx or dim, dim, bias=False)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, ctx=None):
        ctx = x if ctx is None else ctx
        b, n, d = x.shape
        split = lambda t: t.reshape(b, -1, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(ctx)), split(self.v(ctx))
        w = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads), dim=-1)
        return self.out((w @ v).transpose(1, 2).reshape(b, n, d))


class Transformer(nn.Module):
    """diffusers' Transformer2DModel with one BasicTransformerBlock (linear projections, GEGLU)."""

    def __init__(self, dim, heads, ctx, groups, eps, only_cross=False):
        super().__init__()
        self.only_cross = only_cross
        self.norm = nn.GroupNorm(groups, dim, 1e-6)
        self.proj_in, self.proj_out = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.ln1, self.attn1 = nn.LayerNorm(dim), Attention(dim, heads, ctx if only_cross else None)
        self.ln2, self.attn2 = nn.LayerNorm(dim), Attention(dim, heads, ctx)
        self.ln3, self.geglu, self.ff_out = nn.LayerNorm(dim), nn.Linear(dim, dim * 8), nn.Linear(dim * 4, dim)

    def forward(self, x, ctx):
        b, c, h, w = x.shape
        t = self.proj_in(self.norm(x).permute(0, 2, 3, 1).reshape(b, h * w, c))
        t = t + self.attn1(self.ln1(t), ctx if self.only_cross else None)
        t = t + self.attn2(self.ln2(t), ctx)
        a, gate = self.geglu(self.ln3(t)).chunk(2, dim=-1)
        t = t + self.ff_out(a * F.gelu(gate))
        return x + self.proj_out(t).reshape(b, h, w, c).permute(0, 3, 1, 2)


class Unet(nn.Module):
    def __init__(self, cfg=UNET):
        super().__init__()
        ch, g, e = cfg['block_out_channels'], cfg['groups'], cfg['eps']
        self.cfg = cfg
        self.conv_in = nn.Conv2d(4, ch[0], 3, padding=1)
        self.time1, self.time2 = nn.Linear(ch[0], 1280), nn.Linear(1280, 1280)
        # 64-channel heads, as SD 2.x.
        tr = lambda i: Transformer(ch[i], ch[i] // 64, cfg['cross_attention_dim'], g, e, cfg['only_cross_attention'][i])
        self.down = nn.ModuleList()
        skips, cin = [ch[0]], ch[0]
        for i, kind in enumerate(cfg['down']):
            layers = nn.ModuleList()
            for _ in range(cfg['layers_per_block']):
                layers.append(nn.ModuleList([Resnet(cin, ch[i], groups=g, eps=e),
                                             tr(i) if 'CrossAttn' in kind else nn.Identity()]))
                cin = ch[i]
                skips.append(cin)
            last = i == len(ch) - 1
            ds = None if last else nn.Conv2d(cin, cin, 3, stride=2, padding=1)
            if ds is not None:
                skips.append(cin)
            self.down.append(nn.ModuleList([layers, ds or nn.Identity()]))
        self.up = nn.ModuleList()
        rev = list(reversed(ch))
        for i, kind in enumerate(cfg['up']):
            layers = nn.ModuleList()
            for _ in range(cfg['layers_per_block'] + 1):
                skip = skips.pop()
                layers.append(nn.ModuleList([Resnet(cin + skip, rev[i], groups=g, eps=e),
                                             tr(len(ch) - 1 - i) if 'CrossAttn' in kind else nn.Identity()]))
                cin = rev[i]
            us = nn.Conv2d(cin, cin, 3, padding=1) if i < len(ch) - 1 else None
            self.up.append(nn.ModuleList([layers, us or nn.Identity()]))
        self.norm_out, self.conv_out = nn.GroupNorm(g, ch[0], e), nn.Conv2d(ch[0], 4, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        half = self.cfg['block_out_channels'][0] // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        args = timestep.float().reshape(1, 1) * freqs[None]
        temb = self.time2(F.silu(self.time1(torch.cat([torch.cos(args), torch.sin(args)], dim=-1))))
        x = self.conv_in(sample)
        skips = [x]
        for layers, ds in self.down:
            for res, tr in layers:
                x = res(x, temb)
                x = tr(x, encoder_hidden_states) if isinstance(tr, Transformer) else x
                skips.append(x)
            if isinstance(ds, nn.Conv2d):
                x = ds(x)
                skips.append(x)
        for layers, us in self.up:
            for res, tr in layers:
                x = res(torch.cat([x, skips.pop()], dim=1), temb)
                x = tr(x, encoder_hidden_states) if isinstance(tr, Transformer) else x
            if isinstance(us, nn.Conv2d):
                x = us(F.interpolate(x, scale_factor=2.0, mode='nearest'))
        return self.conv_out(F.silu(self.norm_out(x)))


class TextEncoder(nn.Module):
    """CLIPTextModel (pre-LN, causal mask, GELU MLP, final LayerNorm)."""

    def __init__(self, cfg=TEXT):
        super().__init__()
        d = cfg['width']
        self.tok, self.pos = nn.Embedding(cfg['vocab'], d), nn.Embedding(cfg['positions'], d)
        self.layers = nn.ModuleList([nn.ModuleList([nn.LayerNorm(d), Attention(d, cfg['heads']), nn.LayerNorm(d),
                                                    nn.Linear(d, cfg['mlp']), nn.Linear(cfg['mlp'], d)]) for _ in range(cfg['layers'])])
        for layer in self.layers:  # CLIP's attention projections have biases
            for lin in (layer[1].q, layer[1].k, layer[1].v):
                lin.bias = nn.Parameter(torch.zeros(d))
        self.final = nn.LayerNorm(d)

    def forward(self, input_ids):
        n = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos(torch.arange(n))[None]
        for ln1, attn, ln2, fc1, fc2 in self.layers:
            x = x + attn(ln1(x))  # (the causal mask changes nothing in cost)
            x = x + fc2(F.gelu(fc1(ln2(x))))
        return self.final(x)


class TaesdDecoder(nn.Module):
    """TAESD's decoder (madebyollin/taesd), as diffusers' AutoencoderTiny returns it: [-1,1]."""

    def __init__(self):
        super().__init__()
        conv = lambda i, o, bias=True: nn.Conv2d(i, o, 3, padding=1, bias=bias)
        block = lambda: nn.ModuleList([conv(64, 64), conv(64, 64), conv(64, 64)])
        self.conv_in = conv(4, 64)
        self.stages = nn.ModuleList([nn.ModuleList([block() for _ in range(3)] + [conv(64, 64, False)]) for _ in range(3)])
        self.last, self.conv_out = block(), conv(64, 3)

    @staticmethod
    def run(b, x):
        return F.relu(b[2](F.relu(b[1](F.relu(b[0](x))))) + x)

    def forward(self, latents):
        x = F.relu(self.conv_in(torch.tanh(latents / 3) * 3))
        for s in self.stages:
            for b in s[:3]:
                x = self.run(b, x)
            x = s[3](F.interpolate(x, scale_factor=2.0, mode='nearest'))
        return self.conv_out(self.run(self.last, x)).clamp(0, 1) * 2 - 1


def params(m):
    return sum(p.numel() for p in m.parameters())


def export(model, args, names, outs, path):
    torch.onnx.export(model, args, path, input_names=names, output_names=outs, opset_version=17,
                      dynamic_axes={'input_ids': {1: 'sequence'}} if 'input_ids' in names else None)


if __name__ == '__main__':
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(512)
    graphs = {
        'text_encoder': (TextEncoder(), (torch.zeros(1, 77, dtype=torch.int64),), ['input_ids'], ['last_hidden_state']),
        'unet': (Unet(), (torch.randn(1, 4, LATENT, LATENT), torch.tensor(999, dtype=torch.int64), torch.randn(1, 77, 1024)),
                 ['sample', 'timestep', 'encoder_hidden_states'], ['noise_pred']),
        'vae_decoder': (TaesdDecoder(), (torch.randn(1, 4, LATENT, LATENT),), ['latents'], ['image']),
    }
    counts = {}
    for name, (model, args, ins, outs) in graphs.items():
        model.eval()
        counts[name] = params(model)
        with torch.no_grad():
            export(model, args, ins, outs, os.path.join(out, f'{name}.onnx'))
        print(f'{name}: {counts[name]:,} params', flush=True)
    json.dump(counts, open(os.path.join(out, 'params.json'), 'w'), indent=2)
