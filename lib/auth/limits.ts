// Password rules shared by sign-in, the Users screen and the sign-in library's settings.
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;
