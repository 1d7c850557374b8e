/** A path in a file VEBI reads back that VEBI later opens: relative, and inside its folder. */
import { z } from 'zod';
import { unsafeRelativePathReason } from '../safe-path';

/** The path as a message shows it: quoted with escapes (a NUL stays visible), long ones cut. */
function quoted(value: string): string {
  const shown = JSON.stringify(value);
  return shown.length > 80 ? `${shown.slice(0, 77)}..."` : shown;
}

export const safeRelativePath = z.string().check((ctx) => {
  const reason = unsafeRelativePathReason(ctx.value);
  if (reason) ctx.issues.push({ code: 'custom', input: ctx.value, message: `the path ${quoted(ctx.value)} ${reason}; paths here must stay inside the file's own folder` });
});
