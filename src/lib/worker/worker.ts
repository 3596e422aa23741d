// The Web Worker: comlink exposes one Engine; errors cross with their class and data.
import * as Comlink from 'comlink';
import { Engine } from '../engine/engine.ts';
import { installErrorTransfer } from './error-transfer.ts';

installErrorTransfer();
Comlink.expose(new Engine());
