import type { StackEndpoints } from '@sagaflow/stack';

// What tools/stack's global setup provides to every suite (`inject('stack')`).
declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackEndpoints;
  }
}
