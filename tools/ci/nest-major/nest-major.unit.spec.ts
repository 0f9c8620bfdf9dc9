import { describe, expect, it } from 'vitest';
import nestCore from '@nestjs/core/package.json';
import nestCommon from '@nestjs/common/package.json';
import nestMicroservices from '@nestjs/microservices/package.json';

// Proves the swap in this folder's vitest.config.mts took: the suite beside this file runs on the major asked for.
describe('the saga-core suite under tools/ci/test-nest-majors.sh', () => {
  it('runs against the NestJS major the script installed', () => {
    const major = process.env.SAGAFLOW_NEST_MAJOR;
    expect(major).toMatch(/^\d+$/);
    for (const pkg of [nestCore, nestCommon, nestMicroservices]) {
      expect(pkg.version.split('.')[0]).toBe(major);
    }
  });
});
