/**
 * Where the ModelArts and IAM endpoints are (docs/api-v1.md §7): an explicit URL wins,
 * otherwise the host is derived from the region and the cloud. Plain `http://` is accepted only for
 * loopback addresses, so the local emulator works and nothing travels in clear text elsewhere.
 */
import { isIP } from "node:net";
import { ConfigurationError } from "./errors";

/** The clouds whose host names we know how to derive. */
export type Cloud = "huaweicloud" | "otc";

export const CLOUDS: readonly Cloud[] = ["huaweicloud", "otc"];

/** Open Telekom Cloud regions (their hosts end in `otc.t-systems.com`). */
export const OTC_REGIONS: readonly string[] = ["eu-de", "eu-nl"];

const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+)+$/;

/** The cloud of a region when none is configured: `eu-de` and `eu-nl` are OTC, anything else Huawei Cloud. */
export function cloudOfRegion(region: string): Cloud {
  return OTC_REGIONS.includes(region) ? "otc" : "huaweicloud";
}

/** Parses a `cloud` setting; accepts a few common spellings. */
export function parseCloud(text: string, source: string): Cloud {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, "");
  if (t === "huaweicloud" || t === "huawei" || t === "hwc") return "huaweicloud";
  if (t === "otc" || t === "opentelekomcloud" || t === "tsystems") return "otc";
  throw new ConfigurationError(`${source} is "${text}"; expected "huaweicloud" or "otc"`);
}

function domainOf(cloud: Cloud): string {
  return cloud === "otc" ? "otc.t-systems.com" : "myhuaweicloud.com";
}

function checkRegion(region: string, source: string): void {
  if (!REGION_PATTERN.test(region)) {
    throw new ConfigurationError(`${source} is "${region}", which is not a region name such as "eu-de" or "cn-north-4"`);
  }
}

/** `https://modelarts.{region}.myhuaweicloud.com` or `https://modelarts.{region}.otc.t-systems.com`. */
export function modelArtsEndpointFor(region: string, cloud: Cloud = cloudOfRegion(region)): string {
  checkRegion(region, "the region");
  return `https://modelarts.${region}.${domainOf(cloud)}`;
}

/** `https://iam.{region}.myhuaweicloud.com` or `https://iam.{region}.otc.t-systems.com`. */
export function iamEndpointFor(region: string, cloud: Cloud = cloudOfRegion(region)): string {
  checkRegion(region, "the region");
  return `https://iam.${region}.${domainOf(cloud)}`;
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return false;
}

/**
 * Validates an endpoint URL and returns it normalised (no trailing slash, no query or fragment).
 * `source` names the setting in messages, e.g. `modelarts:endpoint (MODELARTS_ENDPOINT)`.
 */
export function normaliseEndpoint(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ConfigurationError(`${source} is not a URL: "${text}"; expected e.g. https://modelarts.eu-de.otc.t-systems.com`);
  }
  if (url.username || url.password) {
    throw new ConfigurationError(`${source} must not carry a user name or password in the URL`);
  }
  if (url.search || url.hash) {
    throw new ConfigurationError(`${source} must not have a query or fragment: "${url.origin}${url.pathname}"`);
  }
  if (url.protocol === "http:") {
    if (!isLoopbackHost(url.hostname)) {
      throw new ConfigurationError(
        `${source} uses plain http:// for ${url.hostname}; only loopback addresses (127.0.0.0/8, ::1, localhost) may use http, use https:// instead`,
      );
    }
  } else if (url.protocol !== "https:") {
    const typo = /^h?t+p+s?:$/.test(url.protocol) ? ` (is "${url.protocol}" a misspelling of "https:" or "http:"?)` : "";
    throw new ConfigurationError(
      `${source} must use https://, or http:// on a loopback address (127.0.0.0/8, ::1, localhost) such as a local emulator; got ${url.protocol}//${typo}`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/** The IAM token URL of an IAM endpoint that may or may not already end in `/v3` (as `OS_AUTH_URL` often does). */
export function iamTokenUrl(iamEndpoint: string): string {
  const base = iamEndpoint.replace(/\/+$/, "");
  return /\/v3$/.test(base) ? `${base}/auth/tokens` : `${base}/v3/auth/tokens`;
}

export interface EndpointSettings {
  cloud?: Cloud;
  region?: string;
  /** Explicit ModelArts endpoint; wins over the region. */
  endpoint?: string;
  /** Explicit IAM endpoint; wins over the region. */
  iamEndpoint?: string;
  /** Setting names for messages. */
  names?: { endpoint?: string; iamEndpoint?: string; region?: string };
}

export interface ResolvedEndpoints {
  /** ModelArts base URL, e.g. `https://modelarts.eu-de.otc.t-systems.com` (no trailing slash). */
  endpoint: string;
  /** IAM base URL, or undefined when it cannot be derived (needed only for password auth). */
  iamEndpoint: string | undefined;
  cloud: Cloud | undefined;
}

/**
 * Resolves both endpoints. IAM: explicit > the emulator's own URL when the ModelArts endpoint is a
 * loopback address (the emulator serves IAM on the same port) > derived from the region.
 */
export function resolveEndpoints(settings: EndpointSettings): ResolvedEndpoints {
  const names = {
    endpoint: settings.names?.endpoint ?? "endpoint",
    iamEndpoint: settings.names?.iamEndpoint ?? "iamEndpoint",
    region: settings.names?.region ?? "region",
  };
  if (settings.region !== undefined) checkRegion(settings.region, names.region);
  const cloud = settings.cloud ?? (settings.region !== undefined ? cloudOfRegion(settings.region) : undefined);
  let endpoint: string;
  if (settings.endpoint !== undefined) {
    endpoint = normaliseEndpoint(settings.endpoint, names.endpoint);
  } else if (settings.region !== undefined) {
    endpoint = modelArtsEndpointFor(settings.region, cloud);
  } else {
    throw new ConfigurationError(`neither ${names.region} nor ${names.endpoint} is set; set one of them`);
  }
  let iamEndpoint: string | undefined;
  if (settings.iamEndpoint !== undefined) {
    iamEndpoint = normaliseEndpoint(settings.iamEndpoint, names.iamEndpoint);
  } else if (settings.endpoint !== undefined && isLoopbackHost(new URL(endpoint).hostname)) {
    iamEndpoint = new URL(endpoint).origin;
  } else if (settings.region !== undefined) {
    iamEndpoint = iamEndpointFor(settings.region, cloud);
  }
  return { endpoint, iamEndpoint, cloud };
}
