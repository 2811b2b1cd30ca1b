/** Where the fake's pages would be: a reserved name, so no link leads to the real GitHub. */
export const HTML_BASE = 'https://github.test';

/** The GitHub repository the fake stands for, backed by a bare repository on disk. */
export interface FakeRepository {
  id: number;
  owner: string;
  name: string;
  /** `owner/name`. */
  fullName: string;
  /** The bare repository's path. */
  bare: string;
  /** What payloads give as `clone_url`. */
  cloneUrl: string;
  defaultBranch: string;
  htmlUrl: string;
  /** The repository's REST URL on the fake: `http://127.0.0.1:PORT/repos/OWNER/NAME`. */
  apiUrl: string;
}

/** A user (or an App's `NAME[bot]`) as GitHub shows one in responses and payloads. */
export function userJson(login: string): Record<string, unknown> {
  return {
    login,
    id: numberOf(login),
    node_id: `U_${login}`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
    html_url: `${HTML_BASE}/${login}`,
  };
}

export function repositoryJson(repository: FakeRepository): Record<string, unknown> {
  return {
    id: repository.id,
    node_id: `R_${repository.id}`,
    name: repository.name,
    full_name: repository.fullName,
    private: true,
    owner: userJson(repository.owner),
    html_url: repository.htmlUrl,
    url: repository.apiUrl,
    clone_url: repository.cloneUrl,
    default_branch: repository.defaultBranch,
  };
}

/** A stable positive id for a name. */
function numberOf(name: string): number {
  let hash = 7;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 1_000_000_007;
  return hash;
}
