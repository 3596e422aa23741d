#!/usr/bin/python3
"""Export an ImageReward-format checkpoint to a PrefLens VP-Score model folder.

  python3 tools/export_vp_score.py --checkpoint ImageReward.pt --vocab bert-base-uncased/vocab.txt \
      --out my-vp-score/ [--id imagereward-v1 --name "ImageReward v1.0"] [--vision-heads 16 --text-heads 12]

Writes model.onnx (the graph) + model.onnx_data (the weights: the layout PrefLens keeps, which lets
the browser hand the weights to onnxruntime without a second copy; --external-data never writes one
self-contained model.onnx while it stays under protobuf's 2 GB), tokenizer.json and preflens.json. Needs PyTorch and onnx only. Head counts cannot be read from tensor shapes: they
default to ImageReward's (ViT-L 16, BERT-base 12) and can be given by flags or --config (a json with
vision_heads/text_heads, or ImageReward's med_config.json for the text side).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vp_checkpoint import CheckpointError, heads_from_json, load_net  # noqa: E402
from vp_score_net import fold_head  # noqa: E402
from vp_tokenizer import read_vocab, tokenizer_json  # noqa: E402

IMAGEREWARD_MEAN = 0.16717362830052426  # ImageReward.__init__: self.mean / self.std
IMAGEREWARD_STD = 1.0333394966054072
MAX_LENGTH, IMAGE_SIZE, OPSET = 35, 224, 17
PROTOBUF_LIMIT = 2_000_000_000  # a little under 2 GiB, leaving room for the graph itself


def stage(i: int, text: str) -> None:
    print(f'[{i}/6] {text}', flush=True)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def sample_inputs(batch: int = 2, seed: int = 1):
    """Deterministic inputs for the PyTorch checks (and for the ONNX comparison via --save-check)."""
    g = torch.Generator().manual_seed(seed)
    pixels = torch.randn(batch, 3, IMAGE_SIZE, IMAGE_SIZE, generator=g)
    ids = torch.zeros(batch, MAX_LENGTH, dtype=torch.int64)
    mask = torch.zeros(batch, MAX_LENGTH, dtype=torch.int64)
    for b in range(batch):
        n = 5 + 7 * b  # different prompt lengths, so padding is exercised
        ids[b, 0], ids[b, n + 1] = 101, 102  # [CLS] ... [SEP]
        ids[b, 1:n + 1] = torch.randint(999, 30522, (n,), generator=g)
        mask[b, :n + 2] = 1
    return pixels, ids, mask


def export_onnx(net, out_dir: str, external: str) -> tuple:
    """torch.onnx.export, then re-save through onnx so the weights go to ONE external data file."""
    import onnx
    pixels, ids, mask = sample_inputs(1)
    param_bytes = sum(t.numel() * t.element_size() for t in net.state_dict().values())
    use_external = external == 'always' or (external == 'auto' and param_bytes > PROTOBUF_LIMIT)
    model_path, data_name = os.path.join(out_dir, 'model.onnx'), 'model.onnx_data'
    tmp = tempfile.mkdtemp(prefix='vp-export-')
    try:
        tmp_path = os.path.join(tmp, 'model.onnx')
        with torch.no_grad():
            torch.onnx.export(
                net, (pixels, ids, mask), tmp_path, opset_version=OPSET, do_constant_folding=True,
                input_names=['pixel_values', 'input_ids', 'attention_mask'], output_names=['reward'],
                dynamic_axes={n: {0: 'batch'} for n in ('pixel_values', 'input_ids', 'attention_mask', 'reward')})
        model = onnx.load(tmp_path)  # also pulls in any per-tensor files torch wrote for >2 GB
        for stale in (model_path, os.path.join(out_dir, data_name)):
            if os.path.exists(stale):
                os.remove(stale)
        if use_external:
            onnx.save_model(model, model_path, save_as_external_data=True, all_tensors_to_one_file=True,
                            location=data_name, size_threshold=1024)
        else:
            onnx.save_model(model, model_path)
        onnx.checker.check_model(model_path)  # by path: works for external data too
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return model_path, (data_name if use_external else None)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--checkpoint', required=True, help='ImageReward.pt (raw state_dict; module. prefix ok)')
    ap.add_argument('--vocab', required=True, help="bert-base-uncased's vocab.txt")
    ap.add_argument('--out', required=True, help='output folder')
    ap.add_argument('--id', default='imagereward-v1')
    ap.add_argument('--name', default='ImageReward v1.0')
    ap.add_argument('--mean', type=float, default=IMAGEREWARD_MEAN)
    ap.add_argument('--std', type=float, default=IMAGEREWARD_STD)
    ap.add_argument('--vision-heads', type=int)
    ap.add_argument('--text-heads', type=int)
    ap.add_argument('--config', help='json with vision_heads/text_heads (or med_config.json)')
    ap.add_argument('--external-data', choices=['auto', 'always', 'never'], default='always',
                    help='weights in model.onnx_data: always (default), never, or auto (only above 2 GB)')
    ap.add_argument('--save-check', metavar='DIR', help='write sample inputs + PyTorch rewards for tests')
    a = ap.parse_args()
    heads = {'vision_heads': 16, 'text_heads': 12}
    if a.config:
        heads.update(heads_from_json(a.config))
    heads.update({k: v for k, v in (('vision_heads', a.vision_heads), ('text_heads', a.text_heads)) if v})
    if a.std <= 0:
        ap.error('--std must be positive')
    try:
        return run(a, heads)
    except (CheckpointError, ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2


def run(a, heads: dict) -> int:
    stage(1, f'loading checkpoint {a.checkpoint}')
    vocab = read_vocab(a.vocab)
    net, cfg, dropped, n_loaded = load_net(a.checkpoint, **heads)
    if len(vocab) + 2 != cfg.vocab_size:
        raise ValueError(f'{a.vocab} has {len(vocab)} tokens; +[DEC]/[ENC] = {len(vocab) + 2}, '
                         f'but the checkpoint embeds {cfg.vocab_size}')
    print(f'      loaded {n_loaded} tensors; dropped {len(dropped)} unused by score(): '
          + (', '.join(dropped) if len(dropped) <= 8 else ', '.join(dropped[:8]) + ', ...'))
    print(f'      config {json.dumps(cfg.to_json())}')

    stage(2, 'folding the activation-free MLP head into one Linear')
    pixels, ids, mask = sample_inputs()
    with torch.no_grad():  # the trunk once (it is the slow part); both heads on the same features
        feats = net.features(pixels, ids, mask)
        unfolded = net.mlp(feats)
        rel = fold_head(net)
        folded = net.head(feats)
    rel_net = ((folded - unfolded).abs().max() / unfolded.abs().max().clamp_min(1e-12)).item()
    print(f'      max relative difference: random probe {rel:.2e}, sample-input features {rel_net:.2e}')
    if max(rel, rel_net) > 1e-5:
        raise ValueError(f'folded head differs from the MLP by {max(rel, rel_net):.2e} (> 1e-5 relative)')

    stage(3, f'exporting ONNX (opset {OPSET}, dynamic batch) to {a.out}')
    os.makedirs(a.out, exist_ok=True)
    model_path, data_name = export_onnx(net, a.out, a.external_data)
    model_bytes = os.path.getsize(model_path)
    print(f'      model.onnx {model_bytes} bytes' + (f' + {data_name}' if data_name else ''))

    stage(4, 'recording PyTorch rewards on sample inputs')
    if a.save_check:
        os.makedirs(a.save_check, exist_ok=True)
        pixels.numpy().astype('<f4').tofile(os.path.join(a.save_check, 'pixel_values.f32'))
        with open(os.path.join(a.save_check, 'check.json'), 'w') as f:
            json.dump({'pixelShape': list(pixels.shape), 'inputIds': ids.tolist(), 'attentionMask': mask.tolist(),
                       'reward': folded[:, 0].tolist(), 'rewardUnfolded': unfolded[:, 0].tolist()}, f)
    print(f'      rewards {[round(x, 6) for x in folded[:, 0].tolist()]}')

    stage(5, 'writing tokenizer.json')
    tok_path = os.path.join(a.out, 'tokenizer.json')
    with open(tok_path, 'w', encoding='utf-8') as f:
        json.dump(tokenizer_json(vocab), f, ensure_ascii=False)

    stage(6, 'writing preflens.json')
    params = sum(p.numel() for n, p in net.named_parameters() if not n.startswith('mlp.'))
    sizes = {'params': params, 'modelBytes': model_bytes, 'tokenizerBytes': os.path.getsize(tok_path), 'visionWidth': cfg.vision_width,
             'visionLayers': cfg.vision_depth, 'visionHeads': cfg.vision_heads, 'textWidth': cfg.text_width,
             'textLayers': cfg.text_depth, 'textHeads': cfg.text_heads, 'vocab': cfg.vocab_size}
    sha = {'model': sha256_file(model_path), 'tokenizer': sha256_file(tok_path)}
    files = {'model': 'model.onnx', 'tokenizer': 'tokenizer.json'}
    if data_name:
        files['modelData'] = data_name
        data_path = os.path.join(a.out, data_name)
        sizes['modelDataBytes'] = os.path.getsize(data_path)
        sha['modelData'] = sha256_file(data_path)
    manifest = {'kind': 'vp-score', 'id': a.id, 'name': a.name, 'mean': a.mean, 'std': a.std,
                'maxLength': MAX_LENGTH, 'imageSize': IMAGE_SIZE,
                'files': files, 'sizes': sizes, 'sha256': sha}
    with open(os.path.join(a.out, 'preflens.json'), 'w') as f:
        f.write(json.dumps(manifest, indent=2) + '\n')
    print(f'done: {a.out}' + (f' (weights in {data_name}, listed as files.modelData)' if data_name else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
