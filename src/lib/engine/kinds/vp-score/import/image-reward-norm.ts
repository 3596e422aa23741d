// ImageReward's score normalisation (ImageReward.__init__: self.mean, self.std): the defaults of an
// import. A VP-Score checkpoint brings its own, which are not in its state dict, so the user types them.
export const IMAGEREWARD_MEAN = 0.16717362830052426;
export const IMAGEREWARD_STD = 1.0333394966054072;
