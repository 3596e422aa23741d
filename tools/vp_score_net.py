"""ImageReward's scoring network in plain PyTorch (no timm / transformers / fairscale).

Parameter names and shapes are exactly those of an ImageReward-format checkpoint (THUDM/ImageReward
`ImageReward` module: `blip.visual_encoder` = BLIP's timm-style ViT, `blip.text_encoder` = BLIP's
med.py BertModel with cross-attention in every layer and no pooler, `mlp.layers` = the reward head),
so a checkpoint loads into it with a strict key/shape check. Only the path ImageReward.score() runs
is implemented: ViT -> BERT(text, cross-attending to all image tokens) -> [CLS] -> MLP -> raw reward.
Sizes come from VpNetConfig so the tiny test checkpoint runs the very same code.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class VpNetConfig:
    # BLIP ViT-L/16 at 224 (blip.create_vit('large')): timm VisionTransformer defaults otherwise.
    image_size: int = 224
    patch_size: int = 16
    vision_width: int = 1024
    vision_depth: int = 24
    vision_heads: int = 16
    vision_mlp: int = 4096  # mlp_ratio 4
    # med_config.json (bert-base + [DEC]/[ENC]); encoder_width is set to the ViT width by BLIP.
    vocab_size: int = 30524
    max_positions: int = 512
    text_width: int = 768
    text_depth: int = 12
    text_heads: int = 12
    text_intermediate: int = 3072
    # ImageReward's MLP(768): 768 -> 1024 -> 128 -> 64 -> 16 -> 1.
    mlp_dims: list = field(default_factory=lambda: [768, 1024, 128, 64, 16, 1])

    def to_json(self) -> dict:
        return asdict(self)


# --- vision: BLIP vit.py (timm VisionTransformer layout) ---------------------------------------

class _PatchEmbed(nn.Module):
    def __init__(self, c: VpNetConfig):
        super().__init__()
        self.proj = nn.Conv2d(3, c.vision_width, c.patch_size, stride=c.patch_size)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # [B, N, C]


class _VitAttention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.scale = (width // heads) ** -0.5  # a Python float, so tracing keeps it a constant
        self.qkv = nn.Linear(width, width * 3, bias=True)  # qkv_bias=True in BLIP's ViT
        self.proj = nn.Linear(width, width)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) * self.scale
        x = (attn.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(x)


class _VitMlp(nn.Module):
    def __init__(self, width: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)
        self.fc2 = nn.Linear(hidden, width)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))  # nn.GELU() default: exact erf GELU


class _VitBlock(nn.Module):
    def __init__(self, c: VpNetConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(c.vision_width, eps=1e-6)
        self.attn = _VitAttention(c.vision_width, c.vision_heads)
        self.norm2 = nn.LayerNorm(c.vision_width, eps=1e-6)
        self.mlp = _VitMlp(c.vision_width, c.vision_mlp)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))  # drop_path is identity in eval
        return x + self.mlp(self.norm2(x))


class VisualEncoder(nn.Module):
    def __init__(self, c: VpNetConfig):
        super().__init__()
        n = (c.image_size // c.patch_size) ** 2
        self.patch_embed = _PatchEmbed(c)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, c.vision_width))
        self.pos_embed = nn.Parameter(torch.zeros(1, n + 1, c.vision_width))
        self.blocks = nn.ModuleList([_VitBlock(c) for _ in range(c.vision_depth)])
        self.norm = nn.LayerNorm(c.vision_width, eps=1e-6)

    def forward(self, pixel_values):
        x = self.patch_embed(pixel_values)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1) + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


# --- text: BLIP med.py BertModel(add_pooling_layer=False), mode 'multimodal' ------------------

class _BertEmbeddings(nn.Module):
    # No token_type_embeddings in BLIP's med.py; position_ids is a buffer there, recomputed here.
    def __init__(self, c: VpNetConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.text_width)
        self.position_embeddings = nn.Embedding(c.max_positions, c.text_width)
        self.LayerNorm = nn.LayerNorm(c.text_width, eps=1e-12)

    def forward(self, input_ids):
        pos = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        return self.LayerNorm(self.word_embeddings(input_ids) + self.position_embeddings(pos))


class _BertSelfAttention(nn.Module):
    def __init__(self, width: int, heads: int, kv_width: int):
        super().__init__()
        self.heads = heads
        self.scale = 1.0 / math.sqrt(width // heads)
        self.query = nn.Linear(width, width)
        self.key = nn.Linear(kv_width, width)
        self.value = nn.Linear(kv_width, width)

    def _split(self, x):
        b, n, c = x.shape
        return x.view(b, n, self.heads, c // self.heads).permute(0, 2, 1, 3)

    def forward(self, x, kv, additive_mask):
        q, k, v = self._split(self.query(x)), self._split(self.key(kv)), self._split(self.value(kv))
        scores = (q @ k.transpose(-1, -2)) * self.scale
        if additive_mask is not None:
            scores = scores + additive_mask
        out = scores.softmax(dim=-1) @ v
        b, h, n, d = out.shape
        return out.permute(0, 2, 1, 3).reshape(b, n, h * d)


class _BertSelfOutput(nn.Module):
    def __init__(self, width: int, inner: int):
        super().__init__()
        self.dense = nn.Linear(inner, width)
        self.LayerNorm = nn.LayerNorm(width, eps=1e-12)

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class _BertAttention(nn.Module):
    def __init__(self, c: VpNetConfig, kv_width: int):
        super().__init__()
        self.self = _BertSelfAttention(c.text_width, c.text_heads, kv_width)
        self.output = _BertSelfOutput(c.text_width, c.text_width)

    def forward(self, x, kv, mask):
        return self.output(self.self(x, kv, mask), x)


class _BertIntermediate(nn.Module):
    def __init__(self, c: VpNetConfig):
        super().__init__()
        self.dense = nn.Linear(c.text_width, c.text_intermediate)

    def forward(self, x):
        return F.gelu(self.dense(x))  # hidden_act "gelu" = exact erf GELU in transformers


class _BertLayer(nn.Module):
    def __init__(self, c: VpNetConfig):
        super().__init__()
        self.attention = _BertAttention(c, c.text_width)
        self.crossattention = _BertAttention(c, c.vision_width)  # encoder_width = ViT width
        self.intermediate = _BertIntermediate(c)
        self.output = _BertSelfOutput(c.text_width, c.text_intermediate)

    def forward(self, x, self_mask, image_embeds):
        x = self.attention(x, x, self_mask)
        # encoder_attention_mask is all ones in score(): its additive form is 0, so it is omitted.
        x = self.crossattention(x, image_embeds, None)
        return self.output(self.intermediate(x), x)


class _BertEncoder(nn.Module):
    def __init__(self, c: VpNetConfig):
        super().__init__()
        self.layer = nn.ModuleList([_BertLayer(c) for _ in range(c.text_depth)])


class TextEncoder(nn.Module):
    def __init__(self, c: VpNetConfig):
        super().__init__()
        self.embeddings = _BertEmbeddings(c)
        self.encoder = _BertEncoder(c)

    def forward(self, input_ids, attention_mask, image_embeds):
        # med.py get_extended_attention_mask (encoder, not decoder): (1 - mask) * -10000.
        mask = (1.0 - attention_mask[:, None, None, :].to(image_embeds.dtype)) * -10000.0
        x = self.embeddings(input_ids)
        for layer in self.encoder.layer:
            x = layer(x, mask, image_embeds)
        return x  # last_hidden_state


class _Blip(nn.Module):
    def __init__(self, c: VpNetConfig):
        super().__init__()
        self.visual_encoder = VisualEncoder(c)
        self.text_encoder = TextEncoder(c)


class _Mlp(nn.Module):
    # ImageReward.MLP: Linear, Dropout(.2), Linear, Dropout(.2), Linear, Dropout(.1), Linear, Linear;
    # the ReLUs are commented out upstream, so the head is affine and can be folded.
    def __init__(self, dims: list):
        super().__init__()
        d = dims
        self.layers = nn.Sequential(
            nn.Linear(d[0], d[1]), nn.Dropout(0.2), nn.Linear(d[1], d[2]), nn.Dropout(0.2),
            nn.Linear(d[2], d[3]), nn.Dropout(0.1), nn.Linear(d[3], d[4]), nn.Linear(d[4], d[5]))

    def forward(self, x):
        return self.layers(x)


class ImageRewardNet(nn.Module):
    """Inputs as the VP-Score contract; output the RAW reward [B, 1] (not (r - mean) / std)."""

    def __init__(self, c: VpNetConfig):
        super().__init__()
        self.config = c
        self.blip = _Blip(c)
        self.mlp = _Mlp(c.mlp_dims)
        self.head = None  # set by fold_head(): one Linear replacing mlp.layers in the export

    def features(self, pixel_values, input_ids, attention_mask):
        image_embeds = self.blip.visual_encoder(pixel_values)
        return self.blip.text_encoder(input_ids, attention_mask, image_embeds)[:, 0, :]

    def forward(self, pixel_values, input_ids, attention_mask):
        f = self.features(pixel_values, input_ids, attention_mask)
        return self.head(f) if self.head is not None else self.mlp(f)


@torch.no_grad()
def fold_head(net: ImageRewardNet) -> float:
    """Replace the activation-free MLP by one Linear; returns the max relative difference seen."""
    net.eval()
    mlp = net.mlp.double()
    d_in = net.config.mlp_dims[0]
    bias = mlp(torch.zeros(1, d_in, dtype=torch.float64))  # [1, 1]
    weight = (mlp(torch.eye(d_in, dtype=torch.float64)) - bias).T  # [1, d_in]
    net.mlp.float()
    head = nn.Linear(d_in, weight.shape[0])
    head.weight.copy_(weight.float())
    head.bias.copy_(bias[0].float())
    probe = torch.randn(64, d_in, generator=torch.Generator().manual_seed(0)) * 3
    a, b = net.mlp(probe).double(), head(probe).double()
    rel = ((a - b).abs().max() / a.abs().max().clamp_min(1e-12)).item()  # relative to the output scale
    net.head = head
    return rel
