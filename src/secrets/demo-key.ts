/**
 * The demo age key of env-repo-example: its secrets.sops.yaml is encrypted to it, and `dockstack
 * init` puts it in the user's sops key file so that the example runs as it is. It is published
 * here, so it protects nothing: an environment of your own is encrypted to a key of your own
 * (`dockstack init --age-recipient`).
 */
export const DEMO_IDENTITY =
  'AGE-SECRET-KEY-175KTQ453W5SWN35MMN9YJXNCSP5G5NGH8C9VZ30P3YNDHQ2RD5CSTE4T37';

/** The demo key's recipient (public key). */
export const DEMO_RECIPIENT = 'age1gfk78xsndh92hv0halhr4z4n463g83umfpf7tt6wfp3ch65nua2st08thz';

/** The demo key as a key file holds it, with a comment that says what it is. */
export const DEMO_KEY_FILE_TEXT = `# dockstack demo key (public: it protects nothing; for env-repo-example only)
# public key: ${DEMO_RECIPIENT}
${DEMO_IDENTITY}
`;
