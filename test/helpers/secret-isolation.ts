/**
 * Root hooks (loaded by .mocharc): each test file sees only the secrets registered since the
 * previous file's last test. Redaction masks every 6-character piece of a registered secret, and
 * one mocha process registers the made-up secrets of every suite ("SK-test-secret-…"): without
 * this, the words in them would be masked in the messages that later suites assert on. Secrets
 * that a file's `before` hooks register (again) are kept, as they run before its first test.
 */
import { secretRegistry } from "../../provider/shared/api/errors";

let lastFile: string | undefined;
let endOfLastTest = 0;

export const mochaHooks = {
  beforeEach(this: Mocha.Context): void {
    const file = this.currentTest?.file;
    if (file !== lastFile) {
      if (lastFile !== undefined) secretRegistry.forgetUpTo(endOfLastTest);
      lastFile = file;
    }
  },
  afterEach(): void {
    endOfLastTest = secretRegistry.generation();
  },
};
