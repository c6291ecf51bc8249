import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** An OIDC login's tokens, from the device flow; refreshed when the access token is about to expire. */
export interface OidcCredential {
  readonly kind: 'oidc';
  /** The issuer (`<keycloak>/realms/agent-runtime`). */
  readonly issuer: string;
  /** The public client the tokens were issued to (`agent-runtime-cli`). */
  readonly clientId: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** When the access token expires, ms since the epoch. */
  readonly expiresAt: number;
}

/** An API key (`ar_…`). */
export interface ApiKeyCredential {
  readonly kind: 'api-key';
  readonly apiKey: string;
}

/** How a profile proves who it is. */
export type Credential = OidcCredential | ApiKeyCredential;

/** One API and one credential, under a name (`default`, `staging`, …). */
export interface Profile {
  /** The API's base URL. */
  readonly url: string;
  readonly credential: Credential;
}

/** The whole config file. */
export interface ConfigFile {
  /** The profile used when none is named. */
  readonly currentProfile: string | undefined;
  readonly profiles: Readonly<Record<string, Profile>>;
}

/** The name of the profile a first login creates. */
export const defaultProfileName = 'default';

/**
 * The user's profiles in `<config dir>/config.json`. The file holds credentials, so it is
 * written with mode 0600 in a directory of mode 0700, through a temporary file renamed over
 * it, so that a crash never leaves half a file and no other user can read it at any moment.
 */
export class ProfileStore {
  /** The config file's path. */
  readonly file: string;
  readonly #dir: string;

  constructor(configDir: string) {
    this.#dir = configDir;
    this.file = path.join(configDir, 'config.json');
  }

  /** The config file's contents; empty when there is none yet. */
  async read(): Promise<ConfigFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { currentProfile: undefined, profiles: {} };
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<ConfigFile>;
    return { currentProfile: parsed.currentProfile, profiles: parsed.profiles ?? {} };
  }

  /** Saves `profile` under `name`; it becomes the current profile when `makeCurrent` or when there was none. */
  async save(name: string, profile: Profile, options: { readonly makeCurrent?: boolean } = {}): Promise<void> {
    const config = await this.read();
    const currentProfile = options.makeCurrent || config.currentProfile === undefined ? name : config.currentProfile;
    await this.#write({ currentProfile, profiles: { ...config.profiles, [name]: profile } });
  }

  /** Removes the profile `name`; answers whether there was one. */
  async remove(name: string): Promise<boolean> {
    const config = await this.read();
    if (!(name in config.profiles)) return false;
    const profiles = Object.fromEntries(Object.entries(config.profiles).filter(([key]) => key !== name));
    const currentProfile = config.currentProfile === name ? Object.keys(profiles)[0] : config.currentProfile;
    await this.#write({ currentProfile, profiles });
    return true;
  }

  async #write(config: ConfigFile): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    // The mode of writeFile applies to a new file only (and is masked by the umask).
    await chmod(temporary, 0o600);
    await rename(temporary, this.file);
  }
}
