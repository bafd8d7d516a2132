export interface Config {
  app?: {
    signIn?: {
      /**
       * The sign-in providers the sign-in page offers, in order: `guest`
       * (development only), `github`, `gitlab`, `google`, `microsoft`,
       * `okta`. Each needs its backend module and `auth.providers.<name>`.
       * Default: guest.
       * @visibility frontend
       */
      providers?: string[];
    };
  };
}
