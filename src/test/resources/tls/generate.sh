#!/bin/sh
# Regenerates the test certificates: a CA, two server certificates for localhost/127.0.0.1 (the second for the rotation
# test), a client certificate from the CA, and a client certificate from another CA that the listeners do not trust.
# EC P-256 keys, valid for 100 years. Run from this directory: sh generate.sh
set -e
days=36500
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca() { # name subject
	ec "$1.key"
	openssl req -x509 -new -key "$1.key" -subj "$2" -days $days -sha256 \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$1.crt"
}
leaf() { # name subject ca extensions
	ec "$1.key"
	openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
	printf '%s\n' "$4" > "$1.ext"
	openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days $days -sha256 \
		-extfile "$1.ext" -out "$1.crt" 2>/dev/null
	rm -f "$1.csr" "$1.ext"
}
server_ext='subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth'
client_ext='extendedKeyUsage=clientAuth'
ca ca "/CN=Sockeye Test CA"
ca rogue-ca "/CN=Rogue Test CA"
leaf server "/CN=localhost/O=Sockeye Test" ca "$server_ext"
leaf server-rotated "/CN=localhost/O=Sockeye Test Rotated" ca "$server_ext"
leaf client "/CN=test-client" ca "$client_ext"
leaf rogue-client "/CN=rogue-client" rogue-ca "$client_ext"
rm -f ca.srl rogue-ca.srl ca.key rogue-ca.key
