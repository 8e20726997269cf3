// The webview's CSP has no 'unsafe-eval'. zod probes `new Function` when a schema is built (its JIT), which the
// browser reports as a CSP violation; jitless mode skips the probe. This must run before src/shared/protocol.ts
// builds its schemas, so it is the first import of every module that parses messages.
import { config } from 'zod';

config({ jitless: true });
