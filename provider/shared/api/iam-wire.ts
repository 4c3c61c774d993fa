/** The IAM token call's wire shapes (docs/api-v1.md §6.1), the same for both API versions. */

/** `POST {iam}/v3/auth/tokens` body. */
export interface WireIamTokenRequest {
  auth: {
    identity: {
      methods: ["password"];
      password: { user: { name: string; password: string; domain: { name: string } } };
    };
    scope: { project: { name: string } | { id: string } };
  };
}

export interface WireIamTokenResponse {
  token?: { expires_at?: string | null; issued_at?: string | null } | null;
}

/** Error bodies of IAM (Keystone style) and of the API gateway. */
export interface WireIamError {
  error?: { code?: unknown; message?: string | null; title?: string | null } | null;
  error_code?: string | null;
  error_msg?: string | null;
}
