import { readCookie } from './cookies.ts';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { RouteContext } from '../services/index.ts';

export function configurePassport(ctx: RouteContext): passport.PassportStatic {
  const instance = new passport.Passport();
  instance.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      ctx.services.authenticate(email, password).then(
        (result) => {
          if (result.ok) done(null, result.user);
          else done(null, false, { message: result.reason });
        },
        done,
      );
    }),
  );
  instance.serializeUser((user, done) => {
    done(null, user.id);
  });
  instance.deserializeUser((id: unknown, done) => {
    if (typeof id !== 'number') {
      done(null, false);
      return;
    }
    ctx.services.sessionUser(id).then(
      (user) => {
        done(null, user ?? false);
      },
      done,
    );
  });
  return instance as passport.PassportStatic;
}

/** Only same-site relative paths are accepted as a place to return to (no open redirect). */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return undefined;
  if (/^\/(login|signup|logout|users)(\/|$|\?)/.test(value)) return undefined;
  return value;
}

/**
 * Where to go after logging in. Kept in a short-lived cookie rather than the session, so an
 * anonymous GET that bounces to the login page stores no session row.
 */
export const RETURN_TO_COOKIE = 'badgeapp_return_to';

export function rememberReturnTo(res: Response, path: string | undefined, secure: boolean): void {
  if (path === undefined) return;
  res.cookie(RETURN_TO_COOKIE, path, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 60 * 60 * 1000 });
}

/** The remembered page (checked again: cookies come from the client), or undefined. */
export function returnToOf(req: Request): string | undefined {
  return safeReturnTo(readCookie(req, RETURN_TO_COOKIE));
}

export function forgetReturnTo(res: Response): void {
  res.clearCookie(RETURN_TO_COOKIE, { path: '/' });
}

/** Anonymous users are sent to the login page and brought back afterwards. */
export const requireLogin: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  if (req.user) {
    next();
    return;
  }
  if (req.method === 'GET') {
    rememberReturnTo(res, safeReturnTo(req.originalUrl), req.secure);
    res.redirect(303, '/login');
    return;
  }
  res.status(401);
  next(Object.assign(new Error('Login required'), { status: 401, type: 'login_required' }));
};
