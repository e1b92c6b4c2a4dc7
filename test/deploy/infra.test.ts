import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../knowledge/projectRoot';
import { configSchema, loadConfig } from '../../bot/config';

/**
 * infra/main.bicep and its parameters file, checked without the Bicep compiler (not installable
 * here): every resource the deployment needs, the replicas, scale rules and probes, secrets only
 * through Key Vault, every environment variable one the bot's configuration accepts, and a
 * parameters file that sets only declared parameters and every required one but the password.
 */
const root = projectRoot();
const bicep = fs.readFileSync(path.join(root, 'infra', 'main.bicep'), 'utf8');
const parameters = JSON.parse(fs.readFileSync(path.join(root, 'infra', 'main.parameters.json'), 'utf8')) as { parameters: Record<string, { value: unknown }> };

/** `param name type [= default]` declarations, with whether they have a default and are @secure. */
function declaredParams(): Map<string, { hasDefault: boolean; secure: boolean }> {
  const params = new Map<string, { hasDefault: boolean; secure: boolean }>();
  const lines = bicep.split('\n');
  lines.forEach((line, i) => {
    const match = /^param (\w+) \w+( = .+)?$/.exec(line.trim());
    if (!match) return;
    const decorators = lines.slice(Math.max(0, i - 4), i).join('\n');
    params.set(match[1], { hasDefault: Boolean(match[2]), secure: /@secure\(\)/.test(decorators) });
  });
  return params;
}

describe('Azure infrastructure (infra/main.bicep)', () => {
  it('declares the Bot Service with the Teams and Direct Line channels', () => {
    expect(bicep).to.match(/resource bot 'Microsoft\.BotService\/botServices@[\d-]+' = \{[\s\S]*?kind: 'azurebot'/);
    expect(bicep).to.match(/endpoint: 'https:\/\/\$\{appFqdn\}\/api\/messages'/);
    expect(bicep).to.include("channelName: 'MsTeamsChannel'");
    expect(bicep).to.include("channelName: 'DirectLineChannel'");
  });

  it('runs the bot on Container Apps with at least 2 replicas, scale rules, and liveness and readiness probes', () => {
    expect(bicep).to.match(/resource app 'Microsoft\.App\/containerApps@[\d-]+'/);
    expect(bicep).to.match(/@minValue\(2\)\nparam minReplicas int = 2/);
    expect(bicep).to.include('minReplicas: minReplicas');
    expect(bicep).to.include('maxReplicas: maxReplicas');
    expect(bicep).to.match(/rules: \[[\s\S]*http: \{ metadata: \{ concurrentRequests: '\d+' \} \}[\s\S]*type: 'cpu'/);
    expect(bicep).to.match(/type: 'Liveness'\s+httpGet: \{ path: '\/healthz'/);
    expect(bicep).to.match(/type: 'Readiness'\s+httpGet: \{ path: '\/readyz'/);
    expect(bicep).to.include('targetPort: 3978');
  });

  it('has Azure Cache for Redis, PostgreSQL flexible server 15, Key Vault and Application Insights', () => {
    expect(bicep).to.match(/'Microsoft\.Cache\/redis@[\d-]+'/);
    expect(bicep).to.match(/'Microsoft\.DBforPostgreSQL\/flexibleServers@[\d-]+'[\s\S]*version: '15'/);
    expect(bicep).to.match(/'Microsoft\.KeyVault\/vaults@[\d-]+'[\s\S]*enableRbacAuthorization: true/);
    expect(bicep).to.match(/'Microsoft\.Insights\/components@[\d-]+'/);
  });

  it('passes every secret through Key Vault, never as a plain value of the app', () => {
    for (const name of ['REDIS_URL', 'DATABASE_URL', 'APPLICATIONINSIGHTS_CONNECTION_STRING', 'SMTP_URL', 'DIRECTLINE_SECRET', 'MicrosoftAppPassword']) {
      expect(bicep, name).to.match(new RegExp(`\\{ name: '${name}', secretRef: '[a-z-]+' \\}`));
      expect(bicep, name).not.to.match(new RegExp(`\\{ name: '${name}', value:`));
    }
    expect(bicep).to.match(/keyVaultUrl: '\$\{vault\.properties\.vaultUri\}secrets\/\$\{name\}'/);
    expect(bicep).to.match(/@secure\(\)\nparam postgresAdminPassword string/);
  });

  it('sets only environment variables the bot knows, and they validate', () => {
    const names = [...bicep.matchAll(/\{ name: '([A-Za-z_]+)', (?:value|secretRef):/g)].map((m) => m[1]);
    const known = ['AZURE_CLIENT_ID', 'DATABASE_URL']; // read by @azure/identity, and by the database store once it exists
    const variables = Object.keys(configSchema.shape);
    for (const name of names) expect(variables.includes(name) || known.includes(name), `${name} is not a configuration variable`).to.equal(true);
    const plain = Object.fromEntries([...bicep.matchAll(/\{ name: '([A-Za-z_]+)', value: '([^'$]*)' \}/g)].map((m) => [m[1], m[2]]));
    // MicrosoftAppId is an expression there (the identity's client id): any GUID stands for it.
    expect(() => loadConfig({ ...plain, MicrosoftAppId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b' })).not.to.throw();
    expect(plain).to.include({ NODE_ENV: 'production', PORT: '3978', METRICS_PORT: '9464' });
  });

  it('the parameters file sets only declared parameters, and every required one except the secure password', () => {
    const declared = declaredParams();
    expect(declared.size).to.be.greaterThan(5);
    for (const name of Object.keys(parameters.parameters)) expect(declared.has(name), `${name} is not a parameter of main.bicep`).to.equal(true);
    for (const [name, { hasDefault, secure }] of declared) {
      if (hasDefault) continue;
      if (secure) expect(parameters.parameters, `${name} is secret: given on the command line`).not.to.have.property(name);
      else expect(parameters.parameters, `${name} is required`).to.have.property(name);
    }
  });
});
