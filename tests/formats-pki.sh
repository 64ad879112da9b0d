# formats-pki.sh: sourced by the formats-*.sh tests after tests/lib.sh. Makes a
# small test PKI in $T/pki: root -> inter -> signer (S/MIME) and a second,
# unconfigured root "other" with its own signer, all with the openssl CLI.
P=$T/pki
mkdir -p "$P"
cat >"$P/ext.cnf" <<'EOC'
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
[inter]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
[leaf]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=emailProtection
subjectAltName=email:kephs@hs01.kep.tr
EOC
mkcert() { # name subject issuer-name ext
	openssl req -new -newkey rsa:2048 -nodes -keyout "$P/$1.key" -subj "$2" -out "$P/$1.csr" 2>/dev/null
	if [ "$3" = self ]; then
		openssl x509 -req -in "$P/$1.csr" -signkey "$P/$1.key" -days 30 -extfile "$P/ext.cnf" \
			-extensions "$4" -out "$P/$1.pem" 2>/dev/null
	else
		openssl x509 -req -in "$P/$1.csr" -CA "$P/$3.pem" -CAkey "$P/$3.key" -CAcreateserial \
			-days 30 -extfile "$P/ext.cnf" -extensions "$4" -out "$P/$1.pem" 2>/dev/null
	fi
}
mkcert root "/C=TR/O=Test Kok/CN=Test Root" self ca
mkcert inter "/C=TR/O=Test Kok/CN=Test Inter" root inter
mkcert signer "/C=TR/O=Test KEPHS/CN=Test Signer" inter leaf
mkcert other "/C=TR/O=Elsewhere/CN=Other Root" self ca
mkcert stranger "/C=TR/O=Elsewhere/CN=Stranger" other leaf
