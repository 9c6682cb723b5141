/**
 * Where each part of a channel's secrets lives under SECRET_NAME_PREFIX (read by the secret store and by
 * the CDK grants). A channel id never contains "/", so the parts cannot collide with a legacy combined
 * secret named `${prefix}${channelId}`.
 */
export const SECRET_NAME_PARTS = {
  /** `webhookToken` and `clientSecret`: what authenticating a callback needs. */
  webhookAuth: 'webhook-auth/',
  /** `accessToken`: BigCommerce API credentials. */
  apiCredentials: 'api-credentials/',
} as const;
