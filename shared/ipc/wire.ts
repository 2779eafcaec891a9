import { z } from 'zod';
import { errorEnvelopeSchema } from './errors';

/** Messages over the WebSocket transport. Electron uses the same shapes over ipcRenderer/ipcMain. */
export const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int().nonnegative(), method: z.string(), params: z.unknown() }),
  z.object({ t: z.literal('sub'), event: z.string() }),
  z.object({ t: z.literal('unsub'), event: z.string() }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const serverMessageSchema = z.union([
  z.object({ t: z.literal('result'), id: z.number().int(), result: z.unknown() }),
  z.object({ t: z.literal('result'), id: z.number().int() }).extend(errorEnvelopeSchema.shape),
  z.object({ t: z.literal('event'), event: z.string(), payload: z.unknown() }),
  z.object({ t: z.literal('fatal') }).extend(errorEnvelopeSchema.shape),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export { IPC_CHANNELS } from './names';
