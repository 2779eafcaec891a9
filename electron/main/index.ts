import * as electron from 'electron';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp } from './app';

startApp(electron, dirname(fileURLToPath(import.meta.url)), process.argv);
