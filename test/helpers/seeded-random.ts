/** mulberry32, the engine's seedable PRNG, for fixtures, tests and benches. Returns [0, 1). */
export { mulberry32 as seededRandom } from '../../src/engine/seeded-random';
