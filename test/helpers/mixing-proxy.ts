/**
 * A proxy in front of the emulator that mixes up answers, as a misbehaving cache or gateway would:
 * requests pass unchanged (so signatures hold), and the body of an answer to a GET whose path
 * matches is rewritten by `rewrite`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface MixingProxy {
  url: string;
  /** Rewrites the answers to GETs of paths matching `path` (undefined: pass everything). */
  mix(path: RegExp | undefined, rewrite?: (body: string) => string): void;
  close(): Promise<void>;
}

export async function startMixingProxy(target: string): Promise<MixingProxy> {
  let rule: { path: RegExp; rewrite: (body: string) => string } | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const upstream = http.request(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on("data", (c: Buffer) => parts.push(c));
        answer.on("end", () => {
          let body = Buffer.concat(parts).toString("utf8");
          const path = (req.url ?? "").split("?")[0] ?? "";
          if (rule && req.method === "GET" && rule.path.test(path)) body = rule.rewrite(body);
          const headers = { ...answer.headers };
          delete headers["content-length"];
          delete headers["transfer-encoding"];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      });
      upstream.on("error", () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mix(path, rewrite) {
      rule = path && rewrite ? { path, rewrite } : undefined;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
