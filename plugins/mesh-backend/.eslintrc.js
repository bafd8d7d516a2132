module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // The benchmark is test code that jest runs only on request (yarn bench).
      files: ['src/__bench__/**'],
      rules: {
        'no-restricted-imports': 'off',
        '@backstage/no-undeclared-imports': 'off',
      },
    },
  ],
});
