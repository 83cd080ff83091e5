// Types of the Node entry (node.mjs): the glue's exports, already initialised.
export * from './app_notifications.js';
