import { describe, expect, it } from 'vitest';
import { checkContract, UNET_CONTRACT, VP_SCORE_CONTRACT, type GraphMetadata } from '../../../src/lib/engine/runtime/contract.ts';
import { ContractError } from '../../../src/lib/engine/errors.ts';

const meta = (over: Partial<Record<string, { type: string; shape: (number | string)[] }>> = {}): GraphMetadata => {
  const inputs: Record<string, { type: string; shape: (number | string)[] }> = {
    pixel_values: { type: 'float32', shape: ['batch', 3, 224, 224] },
    input_ids: { type: 'int64', shape: ['batch', 35] },
    attention_mask: { type: 'int64', shape: ['batch', 35] },
  };
  for (const [k, v] of Object.entries(over)) {
    if (v) inputs[k] = v;
    else delete inputs[k];
  }
  return {
    inputNames: Object.keys(inputs),
    outputNames: ['reward'],
    inputMetadata: Object.entries(inputs).map(([name, v]) => ({ name, isTensor: true, ...v })),
    outputMetadata: [{ name: 'reward', isTensor: true, type: 'float32', shape: ['batch', 1] }],
  };
};

describe('checkContract', () => {
  it('accepts the VP-Score contract with a dynamic batch', () => {
    expect(checkContract(meta(), VP_SCORE_CONTRACT, 'm.onnx').maxBatch).toBe(Infinity);
  });
  it('names input, expected and found dtype', () => {
    expect(() => checkContract(meta({ input_ids: { type: 'int32', shape: ['batch', 35] } }), VP_SCORE_CONTRACT, 'm.onnx'))
      .toThrow('input "input_ids" has the wrong dtype: expected int64 [batch,35], found int32 [batch,35]');
  });
  it('names a missing input and lists what the graph has', () => {
    expect(() => checkContract(meta({ attention_mask: undefined }), VP_SCORE_CONTRACT, 'm.onnx'))
      .toThrow(/input "attention_mask" is missing .*inputs are: pixel_values, input_ids/);
  });
  it('rejects a wrong rank and a wrong fixed size', () => {
    expect(() => checkContract(meta({ pixel_values: { type: 'float32', shape: ['batch', 3, 224] } }), VP_SCORE_CONTRACT, 'm'))
      .toThrow(/wrong rank/);
    expect(() => checkContract(meta({ pixel_values: { type: 'float32', shape: ['b', 3, 256, 256] } }), VP_SCORE_CONTRACT, 'm'))
      .toThrow(/has size 256 in dim 2/);
  });
  it('rejects an extra input and reports a fixed batch', () => {
    expect(() => checkContract(meta({ token_type_ids: { type: 'int64', shape: ['batch', 35] } }), VP_SCORE_CONTRACT, 'm'))
      .toThrow(ContractError);
    expect(checkContract(meta({ pixel_values: { type: 'float32', shape: [1, 3, 224, 224] } }), VP_SCORE_CONTRACT, 'm').maxBatch).toBe(1);
  });
});

describe('SD-Turbo UNet contract', () => {
  const unet = (floatType: string, timestep = 'int64'): GraphMetadata => ({
    inputNames: ['sample', 'timestep', 'encoder_hidden_states'],
    outputNames: ['out_sample'],
    inputMetadata: [
      { name: 'sample', isTensor: true, type: floatType, shape: ['batch', 4, 64, 64] },
      { name: 'timestep', isTensor: true, type: timestep, shape: ['batch'] },
      { name: 'encoder_hidden_states', isTensor: true, type: floatType, shape: ['batch', 'sequence', 1024] },
    ],
    outputMetadata: [{ name: 'out_sample', isTensor: true, type: floatType, shape: ['batch', 4, 64, 64] }],
  });
  it('accepts float32 and float16 graphs and reports which', () => {
    expect(checkContract(unet('float32'), UNET_CONTRACT, 'unet.onnx').dtypes.sample).toBe('float32');
    expect(checkContract(unet('float16'), UNET_CONTRACT, 'unet.onnx').dtypes.out_sample).toBe('float16');
  });
  it('refuses a float timestep, naming both dtypes', () => {
    expect(() => checkContract(unet('float16', 'float32'), UNET_CONTRACT, 'unet.onnx')).toThrow(
      'input "timestep" has the wrong dtype: expected int64 [batch], found float32 [batch]',
    );
    expect(() => checkContract(unet('int8'), UNET_CONTRACT, 'unet.onnx')).toThrow(/expected float32 or float16/);
  });
  it('reads the name of a role a graph\'s only output plays, and refuses when there are two to choose from', () => {
    const named = { ...unet('float32'), outputNames: ['noise_pred'], outputMetadata: [{ name: 'noise_pred', isTensor: true, type: 'float32', shape: ['batch', 4, 64, 64] }] };
    expect(checkContract(named, UNET_CONTRACT, 'unet.onnx').names.out_sample).toBe('noise_pred');
    const two = { ...named, outputNames: ['noise_pred', 'extra'], outputMetadata: [...named.outputMetadata, { name: 'extra', isTensor: true, type: 'float32', shape: [1] }] };
    expect(() => checkContract(two, UNET_CONTRACT, 'unet.onnx')).toThrow('output "out_sample" is missing (expected float32 or float16 [batch,4,height,width]); the graph\'s outputs are: noise_pred, extra');
  });
  it('takes a scalar timestep (SDXS\'s export) and reports rank 0', () => {
    const g = unet('float32');
    const scalar = { ...g, inputMetadata: g.inputMetadata!.map((m) => (m.name === 'timestep' ? { ...m, shape: [] } : m)) };
    expect(checkContract(scalar, UNET_CONTRACT, 'unet.onnx').ranks.timestep).toBe(0);
    expect(checkContract(g, UNET_CONTRACT, 'unet.onnx').ranks.timestep).toBe(1);
  });
});
