#!/usr/bin/env python3
"""Check a Verification instance's audit proofs with nothing but the Python standard library.

RFC 9162 section 2.1: leaf = SHA-256(0x00 || the 32 bytes of an audit entry's chain hash),
node = SHA-256(0x01 || left || right). Heads, proofs and entries are the JSON the API publishes:

  python3 verify_proof.py inclusion   head.json inclusion.json [entry-chain-hash]
  python3 verify_proof.py consistency old-head.json new-head.json consistency.json

The head's signature is checked with openssl (docs/integrity.md). Prints OK and exits 0 when the proof holds;
prints what failed and exits 1 otherwise.
"""
import hashlib
import json
import sys


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf(chain_hash_hex):
    return hashlib.sha256(b"\x00" + bytes.fromhex(chain_hash_hex)).digest()


def verify_inclusion(leaf_hash, index, size, path, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, proof):
    """RFC 9162 section 2.1.4.2."""
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if first > second or not proof:
        return False
    if first & (first - 1) == 0:
        proof = [first_root] + proof
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    if len(argv) >= 3 and argv[0] == "inclusion":
        head, proof = load(argv[1]), load(argv[2])
        if proof["treeSize"] != head["treeSize"]:
            print("FAIL: the proof is for tree size %d, the head for %d" % (proof["treeSize"], head["treeSize"]))
            return 1
        leaf_hash = bytes.fromhex(proof["leafHash"])
        if len(argv) > 3 and leaf(argv[3]) != leaf_hash:
            print("FAIL: the leaf hash is not SHA-256(0x00 || the entry's chain hash)")
            return 1
        ok = verify_inclusion(leaf_hash, proof["leafIndex"], proof["treeSize"],
                              [bytes.fromhex(h) for h in proof["auditPath"]], bytes.fromhex(head["rootHash"]))
    elif len(argv) == 4 and argv[0] == "consistency":
        old, new, proof = load(argv[1]), load(argv[2]), load(argv[3])
        if (proof["from"], proof["to"]) != (old["treeSize"], new["treeSize"]):
            print("FAIL: the proof is not between these two heads")
            return 1
        ok = verify_consistency(old["treeSize"], new["treeSize"], bytes.fromhex(old["rootHash"]),
                                bytes.fromhex(new["rootHash"]), [bytes.fromhex(h) for h in proof["proof"]])
    else:
        print(__doc__)
        return 2
    print("OK" if ok else "FAIL: the proof does not lead to the signed root")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
