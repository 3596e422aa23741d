// The Web Worker: comlink exposes one Engine; nothing else lives here.
import * as Comlink from 'comlink';
import { Engine } from '../engine/engine.ts';

Comlink.expose(new Engine());
