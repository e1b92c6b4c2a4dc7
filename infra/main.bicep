// The UHS Portal Help Bot on Azure: Container Apps (two replicas or more, scaled on HTTP load and
// CPU) behind the Azure Bot Service (Teams and Direct Line channels), with Azure Cache for Redis,
// Azure Database for PostgreSQL flexible server, Key Vault for every secret, and Application
// Insights. Step by step: docs/deploy.md. Deploy into an empty resource group:
//   az deployment group create -g <rg> -f infra/main.bicep -p @infra/main.parameters.json \
//     -p postgresAdminPassword=<password>
targetScope = 'resourceGroup'

@description('Azure region of every resource except the bot (the Bot Service is global).')
param location string = resourceGroup().location

@description('Short prefix of resource names: letters and digits, 3 to 12 characters.')
@minLength(3)
@maxLength(12)
param baseName string

@description('The bot image, for example myregistry.azurecr.io/uhs-portal-help-bot:1.0.0 (built from the Dockerfile).')
param containerImage string

@description('Login server of the Azure Container Registry (in this resource group) holding the image; empty for a public image.')
param registryServer string = ''

@description('The bot identity type. UserAssignedMSI needs no password: the managed identity created here is the bot identity.')
@allowed(['UserAssignedMSI', 'SingleTenant'])
param botAppType string = 'UserAssignedMSI'

@description('SingleTenant only: the client id of the Entra app registration of the bot (its password goes into Key Vault as microsoft-app-password).')
param singleTenantAppId string = ''

@description('Help-desk address escalations go to.')
param helpdeskEmail string = 'uhsportalhelp@umass.edu'

@description('Sender of the bot mail.')
param mailFrom string = 'UHS Portal Help Bot <no-reply@uhs.umass.edu>'

@description('Entra object ids of help-desk staff allowed to use lookup in Teams (comma-separated).')
param staffAadIds string = ''

@description('Set to true once the Key Vault holds smtp-url (step 6 of docs/deploy.md).')
param smtpConfigured bool = false

@description('Set to true once the Key Vault holds directline-secret (step 7 of docs/deploy.md); the Web Chat page then uses Azure Direct Line.')
param directLineSecretConfigured bool = false

@description('Fewest bot replicas (at least 2: one can restart while the other serves).')
@minValue(2)
param minReplicas int = 2

@description('Most bot replicas.')
@maxValue(30)
param maxReplicas int = 10

@description('Administrator login of the PostgreSQL server.')
param postgresAdminLogin string = 'uhsbotadmin'

@description('Administrator password of the PostgreSQL server (kept in Key Vault as part of database-url).')
@secure()
param postgresAdminPassword string

@description('Bot Service pricing tier: F0 (free, limited messages on premium channels) or S1.')
@allowed(['F0', 'S1'])
param botSku string = 'S1'

var suffix = uniqueString(resourceGroup().id)
var names = {
  logs: '${baseName}-logs'
  insights: '${baseName}-insights'
  identity: '${baseName}-id'
  keyVault: take('${baseName}kv${suffix}', 24)
  redis: '${baseName}-redis-${suffix}'
  postgres: '${baseName}-pg-${suffix}'
  environment: '${baseName}-env'
  app: '${baseName}-bot'
  bot: '${baseName}-bot-${suffix}'
}
// Built-in roles: Key Vault Secrets User (read secret values), AcrPull (pull images).
var keyVaultSecretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
var acrPull = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: names.logs
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: names.insights
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: names.keyVault
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
  }
}

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: keyVaultSecretsUser
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// The app pulls its image with its managed identity from a registry in this resource group.
resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(registryServer)) {
  name: guid(resourceGroup().id, identity.id, acrPull)
  properties: {
    roleDefinitionId: acrPull
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource redis 'Microsoft.Cache/redis@2024-03-01' = {
  name: names.redis
  location: location
  properties: {
    sku: { name: 'Standard', family: 'C', capacity: 1 }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    redisConfiguration: {
      // The escalation outbox (BullMQ) must not lose keys to eviction.
      'maxmemory-policy': 'noeviction'
    }
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: names.postgres
  location: location
  sku: { name: 'Standard_B1ms', tier: 'Burstable' }
  properties: {
    version: '15'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: { storageSizeGB: 32 }
    backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2022-12-01' = {
  parent: postgres
  name: 'uhsbot'
}

// Lets Azure services (the Container Apps environment) connect; TLS is required by the server.
resource postgresAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2022-12-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

resource redisUrl 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'redis-url'
  properties: { value: 'rediss://:${redis.listKeys().primaryKey}@${redis.properties.hostName}:6380/0' }
}

resource databaseUrl 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: { value: 'postgres://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${database.name}?sslmode=require' }
}

resource insightsConnection 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'applicationinsights-connection-string'
  properties: { value: insights.properties.ConnectionString }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: names.environment
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

// The bot's public address, known before the app exists (the Bot Service needs it first).
var appFqdn = '${names.app}.${environment.properties.defaultDomain}'
var botAppId = botAppType == 'UserAssignedMSI' ? identity.properties.clientId : singleTenantAppId

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: names.bot
  location: 'global'
  kind: 'azurebot'
  sku: { name: botSku }
  properties: {
    displayName: 'UHS Portal Help'
    endpoint: 'https://${appFqdn}/api/messages'
    msaAppId: botAppId
    msaAppType: botAppType
    msaAppTenantId: subscription().tenantId
    msaAppMSIResourceId: botAppType == 'UserAssignedMSI' ? identity.id : null
    developerAppInsightKey: insights.properties.InstrumentationKey
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

resource directLine 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'DirectLineChannel'
  location: 'global'
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        {
          siteName: 'UHS Web Chat'
          isEnabled: true
          isV1Enabled: false
          isV3Enabled: true
          isSecureSiteEnabled: false
        }
      ]
    }
  }
}

var secretRef = (name string) => {
  name: name
  keyVaultUrl: '${vault.properties.vaultUri}secrets/${name}'
  identity: identity.id
}
var optionalSecrets = concat(
  smtpConfigured ? [secretRef('smtp-url')] : [],
  directLineSecretConfigured ? [secretRef('directline-secret')] : [],
  botAppType == 'SingleTenant' ? [secretRef('microsoft-app-password')] : []
)
var optionalEnv = concat(
  smtpConfigured ? [{ name: 'SMTP_URL', secretRef: 'smtp-url' }] : [],
  directLineSecretConfigured ? [{ name: 'DIRECTLINE_SECRET', secretRef: 'directline-secret' }] : [],
  botAppType == 'SingleTenant' ? [{ name: 'MicrosoftAppPassword', secretRef: 'microsoft-app-password' }] : []
)

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: names.app
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [vaultReader, registryPull, redisUrl, databaseUrl, insightsConnection]
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 3978
        transport: 'http'
        allowInsecure: false
      }
      registries: empty(registryServer) ? [] : [{ server: registryServer, identity: identity.id }]
      secrets: concat([secretRef('redis-url'), secretRef('database-url'), secretRef('applicationinsights-connection-string')], optionalSecrets)
    }
    template: {
      containers: [
        {
          name: 'bot'
          image: containerImage
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat([
            { name: 'NODE_ENV', value: 'production' }
            { name: 'PORT', value: '3978' }
            { name: 'PUBLIC_URL', value: 'https://${appFqdn}' }
            { name: 'MicrosoftAppId', value: botAppId }
            { name: 'MicrosoftAppType', value: botAppType }
            { name: 'MicrosoftAppTenantId', value: subscription().tenantId }
            // The managed identity the bot authenticates with (UserAssignedMSI).
            { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
            { name: 'HELPDESK_EMAIL', value: helpdeskEmail }
            { name: 'MAIL_FROM', value: mailFrom }
            { name: 'STAFF_AAD_IDS', value: staffAadIds }
            { name: 'LOCAL_DIRECTLINE', value: directLineSecretConfigured ? 'false' : 'true' }
            { name: 'METRICS_PORT', value: '9464' }
            { name: 'REDIS_URL', secretRef: 'redis-url' }
            { name: 'DATABASE_URL', secretRef: 'database-url' }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'applicationinsights-connection-string' }
          ], optionalEnv)
          probes: [
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: 3978 }
              periodSeconds: 30
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: { path: '/readyz', port: 3978 }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Startup'
              httpGet: { path: '/healthz', port: 3978 }
              periodSeconds: 5
              failureThreshold: 24
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-load'
            http: { metadata: { concurrentRequests: '50' } }
          }
          {
            name: 'cpu'
            custom: {
              type: 'cpu'
              metadata: { type: 'Utilization', value: '70' }
            }
          }
        ]
      }
    }
  }
}

@description('The bot messaging endpoint registered with the Bot Service.')
output messagingEndpoint string = 'https://${app.properties.configuration.ingress.fqdn}/api/messages'

@description('The Web Chat page.')
output webChatUrl string = 'https://${app.properties.configuration.ingress.fqdn}/'

@description('The bot app id: MicrosoftAppId for npm run manifest.')
output botAppId string = botAppId

@description('The Key Vault for smtp-url, directline-secret and microsoft-app-password.')
output keyVaultName string = vault.name

@description('The Bot Service resource (Direct Line secret: az bot directline show).')
output botName string = bot.name
