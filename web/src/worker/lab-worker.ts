// The lab worker's entry point: the browser host for the lab service. It runs v86 off the
// page's main thread and serves engine/api.ts over comlink.
import * as Comlink from 'comlink';
import wasmUrl from 'v86/build/v86.wasm?url';
import { fetchGuestAssets } from './fetch-assets';
import { LabService } from './lab-service';
import { HttpRegistrySource } from '../engine/registry/registry-source';
import { IdbKeyValueStore } from './idb-store';

Comlink.expose(
  new LabService(
    (options, onProgress) => fetchGuestAssets(options.guestBaseUrl, wasmUrl, onProgress, options.registryBaseUrl),
    (options) => new HttpRegistrySource(options.registryBaseUrl),
    new IdbKeyValueStore(),
  ),
);
