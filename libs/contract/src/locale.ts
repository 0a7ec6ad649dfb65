import * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini leaves messages to the application: English, as the full zod sets them, so that a 400
// names each field with the same words whichever build parsed it. Listed in `sideEffects` of
// package.json, so bundlers keep it.
z.config(en());
