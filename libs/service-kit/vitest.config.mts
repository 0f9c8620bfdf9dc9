import { sagaflowProject } from '../../vitest.shared.mjs';

export default sagaflowProject('service-kit');
