// Whether the model panel offers "Use built-in model": only when pressing it would change
// something, i.e. another reward model is in use, or none is (a first load failed).

/** `source` is EngineState.modelSource: "built-in", "folder <name>", "downloaded <url>", "imported <name> (this device)"… */
export function offersBuiltin(modelLoaded: boolean, source: string): boolean {
  return !modelLoaded || source !== 'built-in';
}
