// pino-roll ships no types; this is the part FMS uses.
declare module 'pino-roll' {
  interface PinoRollOptions {
    file: string | (() => string);
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    mkdir?: boolean;
    /** Passed on to sonic-boom: the file's mode when created. */
    mode?: number;
    /** removeOtherLogFiles: count files left by earlier runs too, not only this process's. */
    limit?: { count: number; removeOtherLogFiles?: boolean };
  }
  export default function pinoRoll(options: PinoRollOptions): Promise<NodeJS.WritableStream>;
}
