/** Methods by name, as `semiseg methods` lists them and `--method` selects them. */
import { CPS } from './cps.ts';
import { DHC } from './dhc.ts';
import type { MethodContext, SemiSupervisedMethod } from './method.ts';
import { Supervised } from './supervised.ts';

export interface MethodInfo {
  name: string;
  summary: string;
  /** Whether it trains on the unlabeled stream. */
  semiSupervised: boolean;
  create(ctx: MethodContext): SemiSupervisedMethod;
}

const METHODS: MethodInfo[] = [
  {
    name: 'supervised',
    summary: 'one VNet, CE + Dice on the labeled cases only (train_fully.py on a labeled split)',
    semiSupervised: false,
    create: (ctx) => new Supervised(ctx),
  },
  {
    name: 'cps',
    summary: 'cross pseudo supervision: two VNets (Kaiming/Xavier) teach each other with argmax labels',
    semiSupervised: true,
    create: (ctx) => new CPS(ctx),
  },
  {
    name: 'dhc',
    summary: 'DHC: CPS with DiffDW (net A) and DistDW (net B) class weights against class imbalance',
    semiSupervised: true,
    create: (ctx) => new DHC(ctx),
  },
];

/** Every method, in listing order. */
export function listMethods(): readonly MethodInfo[] {
  return METHODS;
}

/** The method called `name`; throws one line listing the known names otherwise. */
export function getMethod(name: string): MethodInfo {
  const m = METHODS.find((x) => x.name === name);
  if (!m)
    throw new Error(`unknown method '${name}' (expected one of: ${METHODS.map((x) => x.name).join(', ')})`);
  return m;
}
