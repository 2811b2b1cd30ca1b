import type { IncomingMessage, ServerResponse } from 'node:http';

import { answerFakeRequest } from './answer-fake-request.js';
import type { FakeGitHubApp } from './authenticate-caller.js';
import { branchHeads } from './bare-repo.js';
import type { DeliveryOptions, WebhookDelivery, WebhookTarget } from './deliver-webhook.js';
import { createFakeGitHubCore, type FakeGitHubCore } from './fake-github-core.js';
import {
  createFakeGitHubState,
  type FakeGitHubState,
  type PullRecord,
} from './fake-github-state.js';
import { listenOnLoopback } from './listen-on-loopback.js';
import { openPull, type OpenPullInput } from './open-pull.js';
import { announcePush, mergePull, pushOf, synchronizePull } from './repository-events.js';
import { HTML_BASE, type FakeRepository } from './repository-json.js';

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  /** The bare repository that holds the repository's branches. */
  bare: string;
  /** `clone_url` in payloads: where the receiver fetches from. `file://BARE` by default. */
  cloneUrl?: string;
  /** `main` by default. */
  defaultBranch?: string;
  /** A token (`authorization: token TOKEN`), as a person or a machine user has. */
  token?: string;
  /** The token's user: authors its comments and statuses. `dockstack-bot` by default. */
  login?: string;
  /** A GitHub App installed on the repository. */
  app?: FakeGitHubApp;
  /** Where webhooks go; `setWebhook` sets it later. */
  webhook?: WebhookTarget;
  /** The login of the person who merges and pushes. `test-person` by default. */
  person?: string;
}

/** A local GitHub for one repository, checking every request against the REST description. */
export interface FakeGitHub extends Readonly<
  Omit<FakeGitHubState, 'nextId' | 'installationTokens'>
> {
  /** The API's base URL (Octokit's `baseUrl`): `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly repository: FakeRepository;
  /** Every webhook delivery made, answered or not. */
  readonly deliveries: readonly WebhookDelivery[];
  setWebhook(target: WebhookTarget | undefined): void;
  /** Signs and POSTs `payload` to the webhook as GitHub does; returns the receiver's answer. */
  deliver(event: string, payload: object, options?: DeliveryOptions): Promise<WebhookDelivery>;
  /** A `push` payload for the repository, with the commits between `before` and `after`. */
  pushEvent(ref: string, before: string, after: string): Record<string, unknown>;
  /** Delivers `push` for `branch`: from the head the fake last saw there to its head now. */
  pushTo(branch: string): Promise<WebhookDelivery>;
  /** Opens a pull request as the person would on GitHub's pages (see the `pulls` route). */
  openPull(input: OpenPullInput): PullRecord;
  /** Takes the branch's new head into the pull request; delivers `synchronize`. */
  synchronize(pullNumber: number): Promise<WebhookDelivery | undefined>;
  /** Merges with a merge commit; delivers `closed` (merged) then `push`. Returns the commit. */
  mergePull(pullNumber: number): Promise<string>;
  /** Resolves when every webhook delivery started so far has been answered. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 (a free port). */
export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  if (options.token === undefined && options.app === undefined) {
    throw new Error('startFakeGitHub needs a token or an app');
  }
  const server = await listenOnLoopback((req, res) => {
    respond(core, req, res);
  });
  const url = `http://127.0.0.1:${server.port}`;
  const fullName = `${options.owner}/${options.repo}`;
  const state = createFakeGitHubState();
  const core = createFakeGitHubCore({
    repository: {
      id: 4242,
      owner: options.owner,
      name: options.repo,
      fullName,
      bare: options.bare,
      cloneUrl: options.cloneUrl ?? `file://${options.bare}`,
      defaultBranch: options.defaultBranch ?? 'main',
      htmlUrl: `${HTML_BASE}/${fullName}`,
      apiUrl: `${url}/repos/${fullName}`,
    },
    state,
    credentials: {
      login: options.login ?? 'dockstack-bot',
      installationTokens: state.installationTokens,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.app === undefined ? {} : { app: options.app }),
    },
    app: options.app,
    person: options.person ?? 'test-person',
    webhook: options.webhook,
    knownHeads: branchHeads(options.bare),
  });
  return {
    url,
    repository: core.repository,
    requests: state.requests,
    violations: state.violations,
    statuses: state.statuses,
    comments: state.comments,
    checkRuns: state.checkRuns,
    pulls: state.pulls,
    deliveries: core.deliveries,
    setWebhook: (target) => {
      core.webhook = target;
    },
    deliver: (event, payload, deliveryOptions) => core.deliver(event, payload, deliveryOptions),
    pushEvent: (ref, before, after) => pushOf(core, ref, before, after),
    pushTo: (branch) => announcePush(core, branch),
    openPull: (input) => openPull(core, input, core.person),
    synchronize: (pullNumber) => synchronizePull(core, pullNumber),
    mergePull: (pullNumber) => mergePull(core, pullNumber),
    settled: () => core.settled(),
    close: async () => {
      await core.settled();
      await server.close();
    },
  };
}

function respond(core: FakeGitHubCore, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    void answerFakeRequest(core, req.method ?? 'GET', req.url ?? '/', req.headers, raw).then(
      (reply) => {
        res.writeHead(reply.status, {
          'content-type': 'application/json; charset=utf-8',
          ...reply.headers,
        });
        res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
      },
    );
  });
}
