import Type from 'typebox';
import { MAX_PASSWORD_LENGTH } from '../../lib/passwords.js';
import { singleLineText } from '../../lib/text-rules.js';

export const SignInInput = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64, errorMessage: 'Enter your username.' }),
  password: Type.String({ minLength: 1, maxLength: 1024, errorMessage: 'Enter your password.' }),
  next: Type.Optional(Type.String({ maxLength: 500 })),
});

export const ChangePasswordInput = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 1024, errorMessage: 'Enter your current password.' }),
  newPassword: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH * 4, errorMessage: 'Enter a new password.' }),
  confirmPassword: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH * 4, errorMessage: 'Repeat the new password.' }),
  /** The owner's choice to revoke their API tokens too (the form's checkbox sends "true"). */
  revokeTokens: Type.Optional(Type.Boolean({ errorMessage: 'Tick the box or leave it empty.' })),
});

const tokenFields = {
  name: singleLineText({ minLength: 1, maxLength: 100, title: 'Name', errorMessage: 'Name the token (1–100 characters), e.g. "grading script".' }),
  expiresInDays: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 3650, errorMessage: 'Give a number of days from 1 to 3650, or leave it empty for no expiry.' }),
  ),
};

/** A token as an operator makes it (`fms token create`). */
export const TokenFields = Type.Object(tokenFields);

/** A token as its owner makes it on /account/tokens: with their current password. */
export const CreateTokenInput = Type.Object({
  ...tokenFields,
  currentPassword: Type.String({ minLength: 1, maxLength: 1024, errorMessage: 'Enter your current password to create a token.' }),
});
