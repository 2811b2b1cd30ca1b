/** Where a command writes: passed in so commands can be run and tested in-process. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal (colours, progress). */
  isTty: boolean;
  /** Standard input as text, up to `maxBytes` bytes (for values that must not be arguments). */
  stdin?: (maxBytes: number) => Promise<string>;
}

export const processOutput: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stdout.isTTY,
  stdin: async (maxBytes) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer);
      size += buffer.byteLength;
      if (size > maxBytes) break;
    }
    return Buffer.concat(chunks).toString('utf8');
  },
};
