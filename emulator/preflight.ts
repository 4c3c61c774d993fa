/**
 * Imported first by the emulator's library entry point (`pulumi-modelarts/emulator`): where fastify
 * is not installed, loading the emulator fails with the command that installs it instead of a bare
 * "Cannot find module 'fastify'" from deep inside the server.
 */
import { assertEmulatorDependency } from "./dependencies";

assertEmulatorDependency();
