import { sagaflowProject } from '../../vitest.shared.mjs';

export default sagaflowProject('outbox-relay');
