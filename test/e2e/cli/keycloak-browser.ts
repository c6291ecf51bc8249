/**
 * What a person's browser does on Keycloak's device page: open the verification URL (with
 * the code filled in), sign in on the login form, grant access if asked. Plain fetch with a
 * cookie jar and the pages' own forms, so the test drives the real pages, not an admin API.
 */
export async function confirmDeviceCode(verificationUrl: string, username: string, password: string): Promise<string> {
  const cookies = new Map<string, string>();
  const request = async (url: string, init: RequestInit = {}): Promise<{ url: string; body: string }> => {
    let current = url;
    let options = init;
    for (let hops = 0; hops < 10; hops += 1) {
      const response = await fetch(current, {
        ...options,
        redirect: 'manual',
        headers: {
          ...(options.headers as Record<string, string>),
          cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      for (const header of response.headers.getSetCookie()) {
        const [pair] = header.split(';');
        const [name, ...value] = (pair ?? '').split('=');
        if (name) cookies.set(name.trim(), value.join('='));
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current).toString();
        options = {};
        continue;
      }
      return { url: current, body: await response.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  };
  const decode = (text: string) =>
    text.replaceAll('&amp;', '&').replaceAll('&#x3D;', '=').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

  let page = await request(verificationUrl);
  for (let step = 0; step < 6; step += 1) {
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.body);
    if (!form?.[1]) return page.body;
    const fields = new URLSearchParams();
    for (const input of (form[2] ?? '').matchAll(/<input[^>]*>/gi)) {
      const name = /name="([^"]+)"/.exec(input[0])?.[1];
      const type = /type="([^"]+)"/.exec(input[0])?.[1] ?? 'text';
      if (!name || type === 'submit' || type === 'checkbox') continue;
      fields.set(name, decode(/value="([^"]*)"/.exec(input[0])?.[1] ?? ''));
    }
    if (fields.has('username')) fields.set('username', username);
    if (fields.has('password')) fields.set('password', password);
    // A grant or consent page: its "Yes" button is named accept.
    if (/name="accept"/.test(form[2] ?? '')) fields.set('accept', 'Yes');
    page = await request(new URL(decode(form[1]), page.url).toString(), {
      method: 'POST',
      body: fields,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
  return page.body;
}
