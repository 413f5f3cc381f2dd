// The runtime conformance suite on the in-memory runtime: each ContainerRuntime part at unit speed.
import { MemoryRuntime } from '../support/memory-runtime';
import { runtimeConformance } from '../conformance/runtime-suite';

const runtime = new MemoryRuntime();
runtimeConformance(() => ({ runtime }));
