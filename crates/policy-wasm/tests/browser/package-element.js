// A page that uses the element with the JS package as its engine (no playground involved).
import * as policy from '/pkg/index.js';
import { useEngine } from '/pkg/codex-policy-example.js';

useEngine(policy.initialize().then(() => policy));
