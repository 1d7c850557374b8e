/** Name and version written into every report (and part of every cache key). */
export const TOOL = { name: 'vebi', version: '0.1.0' };
