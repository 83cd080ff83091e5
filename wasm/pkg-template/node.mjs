// The package's Node entry: the WebAssembly module instantiated synchronously from the file
// next to this one, and every export of the wasm-bindgen glue, ready to call.
import { readFileSync } from 'node:fs';
import { initSync } from './app_notifications.js';

initSync({ module: readFileSync(new URL('./app_notifications_bg.wasm', import.meta.url)) });

export * from './app_notifications.js';
