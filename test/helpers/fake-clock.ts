import type { Clock } from "../../provider/shared/resource/waiter";

/** A clock whose sleeps pass at once and advance its time: waits run in microseconds. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}
