"""Strict loading of an ImageReward-format checkpoint into ImageRewardNet.

ImageReward's own loader (ImageReward/utils.py: load) does `torch.load(path)` -> a raw state_dict of
the `ImageReward` module, then `load_state_dict(..., strict=False)`, which silently ignores any
mismatch. Here nothing is silent: keys score() does not use are dropped by explicit name patterns
(DROPPED); any other missing, unexpected or misshapen key is a CheckpointError naming the keys.
"""
from __future__ import annotations

import json
import math
import re

import torch

from vp_score_net import ImageRewardNet, VpNetConfig


class CheckpointError(Exception):
    pass


# (pattern, why score() does not need it). The first two groups are what ImageReward's checkpoint
# really holds beyond the scoring path (BLIP_Pretrain in ImageReward/models/BLIP/blip_pretrain.py
# defines vision_proj/text_proj; med.py BertEmbeddings registers the position_ids buffer). The rest
# are parts of Salesforce BLIP's full pre-training model that a re-saved or fine-tuned
# ImageReward-format checkpoint may still carry; ImageReward's class has no such modules either.
DROPPED = [
    (r'blip\.(vision|text)_proj\.(weight|bias)', 'ITC contrastive projections; score() uses the [CLS] feature'),
    (r'.+\.position_ids', 'buffer equal to arange(512); positions are recomputed in the graph'),
    (r'blip\.itm_head\.(weight|bias)', 'image-text matching head (BLIP pre-training only)'),
    (r'blip\.temp', 'ITC temperature (training only)'),
    (r'blip\.(visual_encoder|text_encoder|vision_proj|text_proj)_m\..+', 'momentum encoders (training only)'),
    (r'blip\.(image|text|idx|ptr)_queue', 'ITC queues (training only)'),
    (r'blip\.text_decoder\..+', 'captioning decoder (not on the scoring path)'),
]
_DROP_RE = [re.compile(p) for p, _ in DROPPED]


def read_state_dict(path: str) -> dict:
    """torch.load + unwrap: raw state_dict (ImageReward.pt), or {'state_dict'|'model': ...}."""
    obj = torch.load(path, map_location='cpu')
    if isinstance(obj, dict) and not any(torch.is_tensor(v) for v in obj.values()):
        for k in ('state_dict', 'model'):
            if isinstance(obj.get(k), dict):
                obj = obj[k]
                break
    if not isinstance(obj, dict) or not obj:
        raise CheckpointError(f'{path}: expected a state_dict (dict of tensors), found {type(obj).__name__}')
    return obj


def normalize_keys(sd: dict) -> tuple:
    """Strip a DataParallel `module.` prefix and drop unused keys. Returns (kept, dropped names)."""
    if all(k.startswith('module.') for k in sd):
        sd = {k[len('module.'):]: v for k, v in sd.items()}
    kept, dropped = {}, []
    for k, v in sd.items():
        (dropped.append(k) if any(r.fullmatch(k) for r in _DROP_RE) else kept.__setitem__(k, v))
    return kept, dropped


def _shape(sd: dict, key: str, why: str) -> tuple:
    if key not in sd:
        raise CheckpointError(f'missing key {key} (needed to infer {why})')
    return tuple(sd[key].shape)


def _depth(sd: dict, prefix: str) -> int:
    idx = [int(m.group(1)) for k in sd if (m := re.match(re.escape(prefix) + r'(\d+)\.', k))]
    if not idx:
        raise CheckpointError(f'no keys {prefix}N.* found (needed to infer the depth)')
    return max(idx) + 1


def heads_from_json(path: str) -> dict:
    """{vision_heads?, text_heads?} from our config json or ImageReward's med_config.json."""
    with open(path) as f:
        j = json.load(f)
    out = {k: j[k] for k in ('vision_heads', 'text_heads') if k in j}
    if 'text_heads' not in out and 'num_attention_heads' in j:  # med_config.json
        out['text_heads'] = j['num_attention_heads']
    return out


def infer_config(sd: dict, vision_heads: int, text_heads: int) -> VpNetConfig:
    """Every size from the tensors' shapes, except the head counts, which shapes cannot tell."""
    V, T = 'blip.visual_encoder.', 'blip.text_encoder.'
    pe = _shape(sd, V + 'patch_embed.proj.weight', 'the patch size')
    pos = _shape(sd, V + 'pos_embed', 'the image size')
    grid = math.isqrt(pos[1] - 1)
    we = _shape(sd, T + 'embeddings.word_embeddings.weight', 'vocab and text width')
    mlp_w = [_shape(sd, f'mlp.layers.{i}.weight', 'the MLP head') for i in (0, 2, 4, 6, 7)]
    c = VpNetConfig(
        image_size=grid * pe[-1], patch_size=pe[-1], vision_width=pe[0],
        vision_depth=_depth(sd, V + 'blocks.'), vision_heads=vision_heads,
        vision_mlp=_shape(sd, V + 'blocks.0.mlp.fc1.weight', 'the ViT MLP width')[0],
        vocab_size=we[0], text_width=we[1],
        max_positions=_shape(sd, T + 'embeddings.position_embeddings.weight', 'max positions')[0],
        text_depth=_depth(sd, T + 'encoder.layer.'), text_heads=text_heads,
        text_intermediate=_shape(sd, T + 'encoder.layer.0.intermediate.dense.weight', 'BERT FFN width')[0],
        mlp_dims=[mlp_w[0][1]] + [w[0] for w in mlp_w])
    problems = []
    if grid * grid != pos[1] - 1 or c.image_size != 224:
        problems.append(f'{V}pos_embed {list(pos)} with patch {c.patch_size} is not a 224x224 ViT (the VP-Score contract)')
    if c.vision_width % vision_heads:
        problems.append(f'vision width {c.vision_width} is not divisible by --vision-heads {vision_heads}')
    if c.text_width % text_heads:
        problems.append(f'text width {c.text_width} is not divisible by --text-heads {text_heads}')
    if c.max_positions < 35:
        problems.append(f'{c.max_positions} text positions < the 35 tokens of the contract')
    if c.mlp_dims[0] != c.text_width or c.mlp_dims[-1] != 1:
        problems.append(f'MLP head {c.mlp_dims} must map the text width {c.text_width} to 1')
    if problems:
        raise CheckpointError('; '.join(problems))
    return c


def check_keys(expected: dict, found: dict) -> None:
    """Strict comparison of names and shapes; the error lists every offending key."""
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    misshapen = sorted(k for k in set(expected) & set(found) if tuple(expected[k].shape) != tuple(found[k].shape))
    if not (missing or unexpected or misshapen):
        return
    lines = []
    if missing:
        lines.append(f'{len(missing)} missing key(s): ' + ', '.join(missing))
    if unexpected:
        lines.append(f'{len(unexpected)} unexpected key(s) (neither used by score() nor in the drop list): '
                     + ', '.join(unexpected))
    for k in misshapen:
        lines.append(f'misshapen key {k}: expected {list(expected[k].shape)}, found {list(found[k].shape)}')
    raise CheckpointError('checkpoint does not match the ImageReward architecture:\n  ' + '\n  '.join(lines))


def load_net(path: str, vision_heads: int = 16, text_heads: int = 12) -> tuple:
    """Returns (net in eval mode, config, dropped key names, number of tensors loaded)."""
    sd, dropped = normalize_keys(read_state_dict(path))
    cfg = infer_config(sd, vision_heads, text_heads)
    net = ImageRewardNet(cfg)
    expected = {k: v for k, v in net.state_dict().items()}
    check_keys(expected, sd)
    net.load_state_dict({k: v.float() for k, v in sd.items()}, strict=True)
    return net.eval(), cfg, dropped, len(sd)
