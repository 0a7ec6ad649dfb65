/** An HTTP request the suite sends: the path carries the query string. */
export interface HttpRequest {
  readonly method: string;
  /** Path and query on the platform domain: `/menu?limit=2`. */
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body, exactly as sent (the suite also sends malformed JSON on purpose). */
  readonly body?: string;
}

/** The answer to an {@link HttpRequest}. */
export interface HttpResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body text. */
  readonly body: string;
}

/** Who a request is sent as: a customer (`user` routes) or a member of the staff group. */
export interface TargetUser {
  readonly sub: string;
  readonly staff?: boolean;
  /**
   * Exactly these user pool groups, instead of `staff` or `customer`; only a target that
   * {@link Target.mintsAnyIdentity} honours it (cases that need it run only there).
   */
  readonly groups?: readonly string[];
}

/**
 * Tokens the target's identity provider must refuse, each wrong in one way. A target lists only
 * the ones it can mint (an HTTP target cannot sign with the issuer's key, for example).
 */
export type BadTokenSet = Readonly<Partial<Record<string, string>>>;

/**
 * What the suite runs against: anything that answers HTTP requests for the platform domain.
 * In process (the local cloud on a loopback port), the local cloud of `npm start`, a deployed
 * stage, or a fake provider in the suite's own tests.
 *
 * @example
 * ```ts
 * const target = httpTarget({ name: 'local', baseUrl: 'http://localhost:3000', token: localTokens('http://localhost:3000') });
 * ```
 */
export interface Target {
  /** Shown in reports: `in-process`, `local`, `remote`, `monolith`. */
  readonly name: string;
  send(request: HttpRequest): Promise<HttpResponse>;
  /** A valid token for the user. */
  token(user: TargetUser): Promise<string>;
  /**
   * Whether {@link Target.token} mints a token for any subject and groups (the local issuer does;
   * a deployed stage's fixed accounts do not). Cases about identities no account has (a subject
   * with `:`, a group named `customer,staff`) run only when it does.
   */
  readonly mintsAnyIdentity?: boolean;
  /**
   * Whether every request carries a header that sends it to one API whatever its path
   * (`x-slice-route: monolith`): then a path the front door's rules do not match still reaches
   * that API, and the cases about such paths do not apply.
   */
  readonly pinned?: boolean;
  /** Tokens signed by the target's issuer but expired, for another issuer or audience. */
  badTokens?(user: TargetUser): Promise<BadTokenSet>;
}
